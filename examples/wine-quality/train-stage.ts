/**
 * The train stage of the wine-quality pipeline (slipway.yaml beside this file): reads `train.*` from params.yaml,
 * fits the model on the red wines and writes the MLflow model folder `model/` and `metrics.json`. `slipway repro`
 * runs it as a tracked run; `slipway release` registers the model it made, gates it and deploys it.
 *
 *   npx tsx train-stage.ts            (in the folder holding params.yaml)
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { trainWineStage } from './train.js';

interface TrainParams {
  readonly model?: 'softmax' | 'mlp';
  readonly epochs?: number;
  readonly limit_rows?: number;
  readonly seed?: number;
}

const params = parse(await readFile('params.yaml', 'utf8').catch(() => '{}')) as { train?: TrainParams } | null;
const train = params?.train ?? {};
const fitted = await trainWineStage({
  model: train.model,
  epochs: train.epochs,
  limitRows: train.limit_rows,
  seed: train.seed,
  modelDir: 'model',
  metricsFile: 'metrics.json',
});
console.log(`test accuracy ${fitted.testAccuracy.toFixed(3)} (majority class ${fitted.baselineAccuracy.toFixed(3)})`);
