/**
 * Trains a wine-quality classifier on the red wines in TypeScript, logs it to a Slipway run and saves it as an
 * MLflow model (ONNX) under the run's `model` artifact folder.
 *
 *   npx tsx examples/wine-quality/train.ts [--model softmax|mlp]
 *
 * Tracking goes where `Slipway.connect()` points (the config's metadata.uri, default the embedded SQLite).
 * In a project of your own, import from 'slipway' and 'slipway/onnx' instead of the source paths below.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConnectOptions, type ModelVersion, Slipway, type SlipwayRun } from '../../src/index.js';
import {
  accuracy,
  applyScaler,
  buildMlp,
  buildSoftmaxRegression,
  fitMlpClassifier,
  fitSoftmaxRegression,
  fitStandardScaler,
  type ModelSignature,
  type OnnxModel,
  permutation,
  predictMlpLabels,
  predictSoftmaxLabels,
  saveModel,
  seededRandom,
} from '../../src/onnx/index.js';
import { readWineCsv, type WineData } from './wine-data.js';

export const RED_WINES = fileURLToPath(new URL('./data/winequality-red.csv', import.meta.url));

export interface TrainOptions {
  readonly model?: 'softmax' | 'mlp';
  readonly epochs?: number;
  /** Use only the first N red wines (tests train on a subset). */
  readonly limitRows?: number;
  readonly seed?: number;
  readonly experiment?: string;
  /** Where to track (default: Slipway.connect()'s configuration). */
  readonly connect?: ConnectOptions;
  /** Register the model as a new version of this model, moving the alias to it. */
  readonly register?: { readonly name: string; readonly alias?: string };
}

export interface TrainResult {
  readonly runId: string;
  /** Where the run's model is, as a model URI. */
  readonly modelUri: string;
  readonly testAccuracy: number;
  /** Accuracy of always answering the most frequent training class. */
  readonly baselineAccuracy: number;
  /** The registered version, when `register` was given. */
  readonly registered?: ModelVersion | undefined;
}

interface Split {
  readonly train: WineData;
  readonly test: WineData;
}

/** A seeded 80/20 split, so every run sees the same rows. */
function split(data: WineData, seed: number): Split {
  const order = permutation(data.rows.length, seededRandom(seed));
  const cut = Math.floor(order.length * 0.8);
  const pick = (part: number[]): WineData => ({
    features: data.features,
    rows: part.map((i) => data.rows[i] ?? []),
    quality: part.map((i) => data.quality[i] ?? 0),
  });
  return { train: pick(order.slice(0, cut)), test: pick(order.slice(cut)) };
}

type FitSettings = Required<Pick<TrainOptions, 'model' | 'epochs' | 'seed'>>;

/** Trains, evaluates, and returns the ONNX model with its labels on the test rows. */
function trainModel(data: Split, options: FitSettings, run?: SlipwayRun) {
  const scaler = fitStandardScaler(data.train.rows);
  const x = applyScaler(scaler, data.train.rows);
  const xTest = applyScaler(scaler, data.test.rows);
  const onEpoch = (step: number, loss: number) => run?.logMetric('train_loss', loss, { step });
  if (options.model === 'mlp') {
    const mlp = fitMlpClassifier(x, data.train.quality, {
      hidden: [32],
      epochs: options.epochs,
      seed: options.seed,
      onEpoch,
    });
    return { onnx: buildMlp({ ...mlp, scaler }), predicted: predictMlpLabels(mlp, xTest) };
  }
  const softmax = fitSoftmaxRegression(x, data.train.quality, { epochs: options.epochs, learningRate: 0.5, onEpoch });
  return { onnx: buildSoftmaxRegression({ ...softmax, scaler }), predicted: predictSoftmaxLabels(softmax, xTest) };
}

function majorityAccuracy(train: readonly number[], test: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const label of train) counts.set(label, (counts.get(label) ?? 0) + 1);
  const majority = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return accuracy(
    test.map(() => majority ?? 0),
    test,
  );
}

function signatureOf(features: readonly string[], onnx: OnnxModel): ModelSignature {
  return {
    inputs: { kind: 'columns', columns: features.map((name) => ({ name, type: 'double', required: true })) },
    outputs: {
      kind: 'tensors',
      tensors: onnx.outputs.map((o) => ({
        name: o.name,
        dtype: o.dtype === 'int64' ? 'int64' : 'float32',
        shape: (o.shape ?? []).map((d) => d ?? -1),
      })),
    },
  };
}

/** Writes the MLflow model folder (ONNX, signature, input example). */
async function saveWineModel(folder: string, fitted: WineFit, runId?: string) {
  await saveModel(folder, {
    onnx: fitted.onnx,
    signature: signatureOf(fitted.data.train.features, fitted.onnx),
    inputExample: { columns: fitted.data.train.features, data: fitted.data.test.rows.slice(0, 3) },
    metadata: { task: 'wine quality (red)', model: fitted.settings.model },
    ...(runId === undefined ? {} : { runId, artifactPath: 'model' }),
  });
}

/** Saves the model into a temp folder named `model` and uploads it as the run's `model` artifact folder. */
async function logModel(run: SlipwayRun, fitted: WineFit) {
  const dir = await mkdtemp(join(tmpdir(), 'wine-quality-'));
  try {
    const folder = join(dir, 'model');
    await saveWineModel(folder, fitted, run.id);
    await run.logArtifact(folder);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A fitted model: the data split it saw, its settings, the ONNX graph and its test accuracy. */
export interface WineFit {
  readonly data: Split;
  readonly settings: FitSettings;
  readonly onnx: OnnxModel;
  readonly testAccuracy: number;
  readonly baselineAccuracy: number;
}

/** Reads the red wines, splits them, fits the model (epoch losses to `run` when given) and scores it. */
export async function fitWineQuality(options: TrainOptions = {}, run?: SlipwayRun): Promise<WineFit> {
  const settings = { model: options.model ?? 'softmax', epochs: options.epochs ?? 300, seed: options.seed ?? 42 };
  const wines = await readWineCsv(RED_WINES);
  const data = split(
    { ...wines, rows: wines.rows.slice(0, options.limitRows), quality: wines.quality.slice(0, options.limitRows) },
    settings.seed,
  );
  const { onnx, predicted } = trainModel(data, settings, run);
  const testAccuracy = accuracy(predicted, data.test.quality);
  return {
    data,
    settings,
    onnx,
    testAccuracy,
    baselineAccuracy: majorityAccuracy(data.train.quality, data.test.quality),
  };
}

/**
 * The pipeline-stage form (slipway.yaml's train stage): fits the model and writes the MLflow model folder and a
 * metrics file; `slipway repro` tracks the run, logs the folder as its model and the file's numbers as metrics.
 */
export async function trainWineStage(options: TrainOptions & { modelDir: string; metricsFile: string }) {
  const fitted = await fitWineQuality(options);
  await rm(options.modelDir, { recursive: true, force: true });
  await saveWineModel(options.modelDir, fitted);
  const metrics = { test_accuracy: fitted.testAccuracy, baseline_accuracy: fitted.baselineAccuracy };
  await writeFile(options.metricsFile, `${JSON.stringify(metrics, null, 2)}\n`);
  return fitted;
}

export async function trainWineQuality(options: TrainOptions = {}): Promise<TrainResult> {
  const settings = { model: options.model ?? 'softmax', epochs: options.epochs ?? 300, seed: options.seed ?? 42 };
  const slipway = await Slipway.connect(options.connect);
  try {
    const run = await slipway.startRun({
      experiment: options.experiment ?? 'wine-quality',
      name: `wine-${settings.model}`,
    });
    const fitted = await fitWineQuality(options, run);
    const { data, testAccuracy, baselineAccuracy } = fitted;
    await run.logParams({
      ...settings,
      train_rows: data.train.rows.length,
      test_rows: data.test.rows.length,
      scaler: 'standard',
    });
    run.logMetrics({ test_accuracy: testAccuracy, baseline_accuracy: baselineAccuracy });
    await logModel(run, fitted);
    const modelUri = `runs:/${run.id}/model`;
    await run.end();
    const registered =
      options.register === undefined
        ? undefined
        : await slipway.registerModel({ ...options.register, source: modelUri, runId: run.id });
    return { runId: run.id, modelUri, testAccuracy, baselineAccuracy, registered };
  } finally {
    await slipway.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const model = process.argv.includes('mlp') ? 'mlp' : 'softmax';
  const result = await trainWineQuality({ model, register: { name: 'wine-quality', alias: 'production' } });
  console.log(
    `run ${result.runId}: test accuracy ${result.testAccuracy.toFixed(3)} ` +
      `(majority class ${result.baselineAccuracy.toFixed(3)}); registered wine-quality version ` +
      `${result.registered?.version} as production`,
  );
}
