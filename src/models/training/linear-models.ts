import { invalidParameter } from '../../domain/errors.js';
import type { Matrix } from './standard-scaler.js';

/** Full-batch gradient descent settings; inputs should be standardised first (fitStandardScaler). */
export interface GradientDescentOptions {
  readonly epochs?: number;
  readonly learningRate?: number;
  /** L2 penalty on the weights (not the biases). */
  readonly l2?: number;
  /** Called after each epoch with the training loss (for logging a metric per step). */
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

export interface LinearParams {
  readonly weights: number[];
  readonly bias: number;
}

export interface SoftmaxParams {
  /** [features][classes]. */
  readonly weights: number[][];
  readonly bias: number[];
  /** The label of each class, ascending. */
  readonly classes: number[];
}

const settings = (options: GradientDescentOptions) => ({
  epochs: options.epochs ?? 300,
  learningRate: options.learningRate ?? 0.5,
  l2: options.l2 ?? 1e-4,
});

/** `row · weights + bias` for a [features][outputs] weight matrix. */
export function affine(
  row: readonly number[],
  weights: readonly (readonly number[])[],
  bias: readonly number[],
): number[] {
  const out = [...bias];
  for (let j = 0; j < row.length; j++) {
    const x = row[j] ?? 0;
    const w = weights[j] ?? [];
    for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) + x * (w[k] ?? 0);
  }
  return out;
}

export function softmax(scores: readonly number[]): number[] {
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

/** Index of the largest value; the first one on ties (as ONNX ArgMax). */
export const argmax = (values: readonly number[]): number =>
  values.reduce((best, value, i) => (value > (values[best] ?? -Infinity) ? i : best), 0);

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Distinct labels ascending, and each row's class index. */
export function classIndexes(labels: readonly number[]): { classes: number[]; indexes: number[] } {
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const position = new Map(classes.map((label, i) => [label, i]));
  return { classes, indexes: labels.map((label) => position.get(label) ?? 0) };
}

function checkShapes(x: Matrix, y: readonly number[]): number {
  const features = x[0]?.length ?? 0;
  if (x.length === 0 || features === 0) throw invalidParameter('Training needs at least one row and one feature.');
  if (x.length !== y.length) throw invalidParameter(`${x.length} rows but ${y.length} targets.`);
  return features;
}

/** Multinomial logistic (softmax) regression by full-batch gradient descent on the cross-entropy. */
export function fitSoftmaxRegression(
  x: Matrix,
  labels: readonly number[],
  options: GradientDescentOptions = {},
): SoftmaxParams {
  const features = checkShapes(x, labels);
  const { epochs, learningRate, l2 } = settings(options);
  const { classes, indexes } = classIndexes(labels);
  const weights = Array.from({ length: features }, () => new Array<number>(classes.length).fill(0));
  const bias = new Array<number>(classes.length).fill(0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gradW = weights.map((row) => row.map(() => 0));
    const gradB = bias.map(() => 0);
    let loss = 0;
    x.forEach((row, i) => {
      const p = softmax(affine(row, weights, bias));
      const target = indexes[i] ?? 0;
      loss -= Math.log(Math.max(p[target] ?? 0, 1e-15));
      accumulate(
        gradW,
        gradB,
        row,
        p.map((pk, k) => pk - (k === target ? 1 : 0)),
      );
    });
    step(weights, bias, gradW, gradB, { learningRate, l2, n: x.length });
    options.onEpoch?.(epoch, loss / x.length);
  }
  return { weights, bias, classes };
}

/** gradW += rowᵀ · delta, gradB += delta. */
export function accumulate(gradW: number[][], gradB: number[], row: readonly number[], delta: readonly number[]): void {
  for (let k = 0; k < delta.length; k++) gradB[k] = (gradB[k] ?? 0) + (delta[k] ?? 0);
  row.forEach((value, j) => {
    const g = gradW[j] as number[];
    for (let k = 0; k < delta.length; k++) g[k] = (g[k] ?? 0) + value * (delta[k] ?? 0);
  });
}

/** One gradient step with L2 on the weights, gradients averaged over `n` rows. */
export function step(
  weights: number[][],
  bias: number[],
  gradW: readonly (readonly number[])[],
  gradB: readonly number[],
  s: { readonly learningRate: number; readonly l2: number; readonly n: number },
): void {
  weights.forEach((row, j) => {
    for (let k = 0; k < row.length; k++) {
      row[k] = (row[k] ?? 0) - s.learningRate * ((gradW[j]?.[k] ?? 0) / s.n + s.l2 * (row[k] ?? 0));
    }
  });
  for (let k = 0; k < bias.length; k++) bias[k] = (bias[k] ?? 0) - (s.learningRate * (gradB[k] ?? 0)) / s.n;
}

export const predictSoftmaxProbabilities = (params: SoftmaxParams, x: Matrix): number[][] =>
  x.map((row) => softmax(affine(row, params.weights, params.bias)));

export const predictSoftmaxLabels = (params: SoftmaxParams, x: Matrix): number[] =>
  predictSoftmaxProbabilities(params, x).map((p) => params.classes[argmax(p)] ?? 0);

/** Binary logistic regression (labels 0/1) by gradient descent on the log-loss. */
export function fitLogisticRegression(
  x: Matrix,
  labels: readonly number[],
  options: GradientDescentOptions = {},
): LinearParams {
  return fitLinearModel(x, labels, options, (z, y) => {
    const p = sigmoid(z);
    return { delta: p - y, loss: -(y * Math.log(Math.max(p, 1e-15)) + (1 - y) * Math.log(Math.max(1 - p, 1e-15))) };
  });
}

/** Least-squares linear regression by gradient descent. */
export function fitLinearRegression(
  x: Matrix,
  targets: readonly number[],
  options: GradientDescentOptions = {},
): LinearParams {
  return fitLinearModel(x, targets, { learningRate: 0.1, ...options }, (z, y) => ({
    delta: z - y,
    loss: (z - y) ** 2,
  }));
}

function fitLinearModel(
  x: Matrix,
  y: readonly number[],
  options: GradientDescentOptions,
  lossOf: (z: number, y: number) => { delta: number; loss: number },
): LinearParams {
  const features = checkShapes(x, y);
  const { epochs, learningRate, l2 } = settings(options);
  const weights = Array.from({ length: features }, () => [0]);
  const bias = [0];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gradW = weights.map(() => [0]);
    const gradB = [0];
    let loss = 0;
    x.forEach((row, i) => {
      const result = lossOf(affine(row, weights, bias)[0] ?? 0, y[i] ?? 0);
      loss += result.loss;
      accumulate(gradW, gradB, row, [result.delta]);
    });
    step(weights, bias, gradW, gradB, { learningRate, l2, n: x.length });
    options.onEpoch?.(epoch, loss / x.length);
  }
  return { weights: weights.map((w) => w[0] ?? 0), bias: bias[0] ?? 0 };
}

export const predictLinear = (params: LinearParams, x: Matrix): number[] =>
  x.map((row) => row.reduce((sum, value, j) => sum + value * (params.weights[j] ?? 0), params.bias));

export const predictLogistic = (params: LinearParams, x: Matrix): number[] => predictLinear(params, x).map(sigmoid);
