import { invalidParameter } from '../../domain/errors.js';
import type { TensorInfo } from '../tensor/tensor.js';
import { type FloatDtype, GraphBuilder, type ModelMetadata } from './graph-builder.js';

/** An ONNX model built in TypeScript: its bytes and the inputs and outputs it declares. */
export interface OnnxModel {
  readonly bytes: Uint8Array;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

/** Standardisation `(x - mean) / scale`, per feature. */
export interface StandardScalerParams {
  readonly mean: readonly number[];
  readonly scale: readonly number[];
}

export type Activation = 'relu' | 'tanh' | 'identity';

/** A dense layer `activation(x · weights + bias)`; `weights[i][j]` joins input i to output j. */
export interface DenseLayer {
  readonly weights: readonly (readonly number[])[];
  readonly bias: readonly number[];
  readonly activation?: Activation;
}

export interface BuildOptions extends ModelMetadata {
  /** Name of the one input, a [rows, features] matrix; default `input`. */
  readonly inputName?: string;
  /** Element type of the input and the weights; default float32 (what MLflow's onnx flavor feeds). */
  readonly dtype?: FloatDtype;
  /** Applied to the input first. */
  readonly scaler?: StandardScalerParams;
}

export interface ClassifierOptions extends BuildOptions {
  /** The label of each class, in output order; default 0…K-1. The `label` output is int64. */
  readonly classes?: readonly number[];
}

export interface LinearRegressionParams extends BuildOptions {
  readonly weights: readonly number[];
  readonly bias: number;
}

export interface LogisticRegressionParams extends ClassifierOptions {
  readonly weights: readonly number[];
  readonly bias: number;
}

export interface SoftmaxRegressionParams extends ClassifierOptions {
  /** [features][classes]. */
  readonly weights: readonly (readonly number[])[];
  readonly bias: readonly number[];
}

export interface MlpParams extends ClassifierOptions {
  /** Hidden layers with their activation, then the last layer (its activation is ignored). */
  readonly layers: readonly DenseLayer[];
  /** `softmax`: a classifier (label + probabilities); `identity`: a regressor (prediction). */
  readonly output: 'softmax' | 'identity';
}

/** Linear regression: output `prediction` [rows, 1]. */
export function buildLinearRegression(params: LinearRegressionParams): OnnxModel {
  const { graph, x, dtype } = start(params, params.weights.length);
  const column = params.weights.map((w) => [w]);
  const y = dense(graph, x, { weights: column, bias: [params.bias] }, dtype);
  graph.node('Identity', [y], {}, graph.output('prediction', dtype, [null, 1]));
  return finish(graph, 'linear_regression', params);
}

/** Logistic regression: outputs `label` [rows] and `probabilities` [rows, 2] (P(class 0), P(class 1)). */
export function buildLogisticRegression(params: LogisticRegressionParams): OnnxModel {
  const { graph, x, dtype } = start(params, params.weights.length);
  const z = dense(graph, x, { weights: params.weights.map((w) => [w]), bias: [params.bias] }, dtype);
  const p = graph.node('Sigmoid', [z]);
  const q = graph.node('Sub', [graph.constant('one', dtype, [1], [1]), p]);
  classifierOutputs(graph, graph.node('Concat', [q, p], { axis: 1 }), 2, dtype, params.classes, true);
  return finish(graph, 'logistic_regression', params);
}

/** Softmax (multinomial logistic) regression: outputs `label` [rows] and `probabilities` [rows, classes]. */
export function buildSoftmaxRegression(params: SoftmaxRegressionParams): OnnxModel {
  const { graph, x, dtype } = start(params, params.weights.length);
  const logits = dense(graph, x, { weights: params.weights, bias: params.bias }, dtype);
  classifierOutputs(graph, logits, params.bias.length, dtype, params.classes, false);
  return finish(graph, 'softmax_regression', params);
}

/** A multilayer perceptron: dense layers with ReLU or tanh, then softmax (classifier) or identity (regressor). */
export function buildMlp(params: MlpParams): OnnxModel {
  const first = params.layers[0];
  const last = params.layers.at(-1);
  if (first === undefined || last === undefined) throw invalidParameter('An MLP needs at least one layer.');
  const { graph, x, dtype } = start(params, first.weights.length);
  let h = x;
  for (const layer of params.layers.slice(0, -1)) h = activate(graph, dense(graph, h, layer, dtype), layer.activation);
  const out = dense(graph, h, last, dtype);
  if (params.output === 'softmax') classifierOutputs(graph, out, last.bias.length, dtype, params.classes, false);
  else graph.node('Identity', [out], {}, graph.output('prediction', dtype, [null, last.bias.length]));
  return finish(graph, 'mlp', params);
}

function start(options: BuildOptions, features: number) {
  if (features === 0) throw invalidParameter('A model needs at least one feature (weights is empty).');
  const dtype = options.dtype ?? 'float32';
  const graph = new GraphBuilder();
  let x = graph.input(options.inputName ?? 'input', dtype, [null, features]);
  if (options.scaler !== undefined) x = scale(graph, x, options.scaler, features, dtype);
  return { graph, x, dtype };
}

function scale(graph: GraphBuilder, x: string, scaler: StandardScalerParams, features: number, dtype: FloatDtype) {
  if (scaler.mean.length !== features || scaler.scale.length !== features) {
    throw invalidParameter(
      `The scaler has ${scaler.mean.length} means and ${scaler.scale.length} scales for ${features} features.`,
    );
  }
  const centred = graph.node('Sub', [x, graph.constant('mean', dtype, [features], scaler.mean)]);
  return graph.node('Div', [centred, graph.constant('scale', dtype, [features], scaler.scale)]);
}

function dense(graph: GraphBuilder, x: string, layer: DenseLayer, dtype: FloatDtype): string {
  const inputs = layer.weights.length;
  const outputs = layer.bias.length;
  if (layer.weights.some((row) => row.length !== outputs)) {
    throw invalidParameter(`Every row of a layer's weights needs ${outputs} values (one per bias).`);
  }
  const w = graph.constant('weights', dtype, [inputs, outputs], layer.weights.flat());
  return graph.node('Gemm', [x, w, graph.constant('bias', dtype, [outputs], layer.bias)]);
}

function activate(graph: GraphBuilder, x: string, activation: Activation = 'relu'): string {
  if (activation === 'identity') return x;
  return graph.node(activation === 'relu' ? 'Relu' : 'Tanh', [x]);
}

function classifierOutputs(
  graph: GraphBuilder,
  scores: string,
  classes: number,
  dtype: FloatDtype,
  labels: readonly number[] | undefined,
  scoresAreProbabilities: boolean,
): void {
  const names = labels ?? Array.from({ length: classes }, (_, i) => i);
  if (names.length !== classes) throw invalidParameter(`${names.length} class labels given for ${classes} classes.`);
  if (names.some((label) => !Number.isSafeInteger(label))) throw invalidParameter('Class labels must be integers.');
  const probabilities = graph.output('probabilities', dtype, [null, classes]);
  graph.node(
    scoresAreProbabilities ? 'Identity' : 'Softmax',
    [scores],
    scoresAreProbabilities ? {} : { axis: 1 },
    probabilities,
  );
  const index = graph.node('ArgMax', [probabilities], { axis: 1, keepdims: 0 });
  graph.node(
    'Gather',
    [graph.constant('classes', 'int64', [classes], names), index],
    { axis: 0 },
    graph.output('label', 'int64', [null]),
  );
}

function finish(graph: GraphBuilder, name: string, options: BuildOptions): OnnxModel {
  return { bytes: graph.build(name, options), inputs: graph.inputs, outputs: graph.outputs };
}
