import type { DenseLayer } from '../onnx-format/build-estimators.js';
import { accumulate, affine, argmax, classIndexes, softmax, step } from './linear-models.js';
import { normal, permutation, seededRandom } from './seeded-random.js';
import type { Matrix } from './standard-scaler.js';

export interface MlpOptions {
  /** Units of each hidden layer; default [16]. */
  readonly hidden?: readonly number[];
  readonly activation?: 'relu' | 'tanh';
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly batchSize?: number;
  readonly l2?: number;
  /** Seeds the initial weights and the batch order: the same seed and data give the same model. */
  readonly seed?: number;
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

/** A trained MLP classifier, in the form buildMlp takes. */
export interface MlpClassifier {
  readonly layers: (DenseLayer & { readonly weights: number[][]; readonly bias: number[] })[];
  readonly output: 'softmax';
  readonly classes: number[];
}

type Layer = MlpClassifier['layers'][number];

/** An MLP classifier (hidden ReLU or tanh layers, softmax output) by mini-batch gradient descent. */
export function fitMlpClassifier(x: Matrix, labels: readonly number[], options: MlpOptions = {}): MlpClassifier {
  const random = seededRandom(options.seed ?? 42);
  const { classes, indexes } = classIndexes(labels);
  const layers = initLayers(
    [x[0]?.length ?? 0, ...(options.hidden ?? [16]), classes.length],
    options.activation ?? 'relu',
    random,
  );
  const batchSize = options.batchSize ?? 32;
  const settings = { learningRate: options.learningRate ?? 0.05, l2: options.l2 ?? 1e-4 };
  for (let epoch = 0; epoch < (options.epochs ?? 200); epoch++) {
    const order = permutation(x.length, random);
    let loss = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      loss += trainBatch(layers, order.slice(start, start + batchSize), x, indexes, settings);
    }
    options.onEpoch?.(epoch, loss / x.length);
  }
  return { layers, output: 'softmax', classes };
}

function initLayers(sizes: readonly number[], activation: 'relu' | 'tanh', random: () => number): Layer[] {
  return sizes.slice(1).map((units, l) => {
    const inputs = sizes[l] ?? 0;
    const std = Math.sqrt((activation === 'relu' ? 2 : 1) / inputs);
    const weights = Array.from({ length: inputs }, () => Array.from({ length: units }, () => normal(random) * std));
    const last = l === sizes.length - 2;
    return { weights, bias: new Array<number>(units).fill(0), activation: last ? 'identity' : activation };
  });
}

/** Pre-activations and activations of every layer; the last activation is the softmax. */
function forward(layers: readonly Layer[], row: readonly number[]) {
  const activations: number[][] = [[...row]];
  const sums: number[][] = [];
  layers.forEach((layer, l) => {
    const z = affine(activations[l] ?? [], layer.weights, layer.bias);
    sums.push(z);
    activations.push(l === layers.length - 1 ? softmax(z) : z.map((v) => activate(v, layer.activation)));
  });
  return { activations, sums };
}

const activate = (z: number, activation: DenseLayer['activation']): number =>
  activation === 'tanh' ? Math.tanh(z) : activation === 'identity' ? z : Math.max(0, z);

const derivative = (z: number, a: number, activation: DenseLayer['activation']): number =>
  activation === 'tanh' ? 1 - a * a : activation === 'identity' ? 1 : z > 0 ? 1 : 0;

function trainBatch(
  layers: Layer[],
  rows: readonly number[],
  x: Matrix,
  targets: readonly number[],
  settings: { readonly learningRate: number; readonly l2: number },
): number {
  const grads = layers.map((layer) => ({ w: layer.weights.map((r) => r.map(() => 0)), b: layer.bias.map(() => 0) }));
  let loss = 0;
  for (const i of rows) {
    const { activations, sums } = forward(layers, x[i] ?? []);
    const p = activations.at(-1) ?? [];
    const target = targets[i] ?? 0;
    loss -= Math.log(Math.max(p[target] ?? 0, 1e-15));
    backward(
      layers,
      grads,
      activations,
      sums,
      p.map((pk, k) => pk - (k === target ? 1 : 0)),
    );
  }
  layers.forEach((layer, l) => {
    const grad = grads[l] as (typeof grads)[number];
    step(layer.weights, layer.bias, grad.w, grad.b, { ...settings, n: rows.length });
  });
  return loss;
}

function backward(
  layers: readonly Layer[],
  grads: { w: number[][]; b: number[] }[],
  activations: readonly number[][],
  sums: readonly number[][],
  outputDelta: number[],
): void {
  let delta = outputDelta;
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l] as Layer;
    const grad = grads[l] as { w: number[][]; b: number[] };
    accumulate(grad.w, grad.b, activations[l] ?? [], delta);
    if (l === 0) break;
    const below = layers[l - 1] as Layer;
    delta = layer.weights.map((w, j) => {
      const back = w.reduce((sum, wk, k) => sum + wk * (delta[k] ?? 0), 0);
      return back * derivative(sums[l - 1]?.[j] ?? 0, activations[l]?.[j] ?? 0, below.activation);
    });
  }
}

export const predictMlpProbabilities = (model: MlpClassifier, x: Matrix): number[][] =>
  x.map((row) => forward(model.layers, row).activations.at(-1) ?? []);

export const predictMlpLabels = (model: MlpClassifier, x: Matrix): number[] =>
  predictMlpProbabilities(model, x).map((p) => model.classes[argmax(p)] ?? 0);
