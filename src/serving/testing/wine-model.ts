import { buildSoftmaxRegression } from '../../models/onnx-format/build-estimators.js';
import { saveModel } from '../../models/package/save-model.js';
import { columnSchema } from '../../models/signature/model-signature.js';

/** The eleven physico-chemical features of the wine-quality data set, in the data set's order. */
export const WINE_FEATURES = [
  'fixed acidity',
  'volatile acidity',
  'citric acid',
  'residual sugar',
  'chlorides',
  'free sulfur dioxide',
  'total sulfur dioxide',
  'density',
  'pH',
  'sulphates',
  'alcohol',
] as const;

/** Quality classes 3…8, as in the red-wine data. */
export const WINE_CLASSES = [3, 4, 5, 6, 7, 8] as const;

/** A deterministic pseudo-random number in [-1, 1) from a seed and an index (no state, no Math.random). */
const noise = (seed: number, index: number): number => {
  const x = Math.sin(seed * 9973 + index * 7919) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
};

export interface WineModelOptions {
  /** Changes every weight: two seeds give two different models (two "versions"). */
  readonly seed?: number;
}

/**
 * Writes a wine-like model folder: softmax regression over 11 float features (standardised) into 6 quality
 * classes, built with the ONNX builders and written by saveModel with a column signature (`folder` must not exist).
 */
export async function writeWineModel(folder: string, options: WineModelOptions = {}): Promise<string> {
  const seed = options.seed ?? 1;
  const features = WINE_FEATURES.length;
  const model = buildSoftmaxRegression({
    weights: Array.from({ length: features }, (_, f) => WINE_CLASSES.map((_, c) => noise(seed, f * 16 + c))),
    bias: WINE_CLASSES.map((_, c) => noise(seed, 1000 + c) / 10),
    classes: [...WINE_CLASSES],
    scaler: {
      mean: Array.from({ length: features }, (_, f) => 5 + noise(seed, 2000 + f)),
      scale: Array.from({ length: features }, (_, f) => 2 + noise(seed, 3000 + f)),
    },
  });
  await saveModel(folder, {
    onnx: model,
    signature: {
      inputs: columnSchema(WINE_FEATURES, 'double'),
      outputs: {
        kind: 'tensors',
        tensors: [
          { name: 'label', dtype: 'int64', shape: [-1] },
          { name: 'probabilities', dtype: 'float32', shape: [-1, WINE_CLASSES.length] },
        ],
      },
    },
  });
  return folder;
}

/** A plausible red-wine row (the first row of the data set, nudged by `i`). */
export const wineRow = (i = 0): number[] => [7.4, 0.7, 0, 1.9, 0.076, 11, 34, 0.9978, 3.51, 0.56, 9.4 + (i % 50) / 10];
