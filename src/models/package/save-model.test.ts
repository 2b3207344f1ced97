import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../load-model.js';
import { parseMlmodel, serializeMlmodel } from '../mlmodel/mlmodel.js';
import {
  buildLinearRegression,
  buildLogisticRegression,
  buildMlp,
  buildSoftmaxRegression,
  type OnnxModel,
} from '../onnx-format/build-estimators.js';
import { parseScoringRequest } from '../scoring/parse-scoring-request.js';
import { toModelFeeds } from '../scoring/to-model-feeds.js';
import { columnSchema, type ModelSignature } from '../signature/model-signature.js';
import { parseSignature } from '../signature/parse-signature.js';
import { checkWithOnnx, findOnnxPython, warnNoOnnxChecker } from '../testing/onnx-checker.js';
import {
  fitLinearRegression,
  fitLogisticRegression,
  fitSoftmaxRegression,
  predictLinear,
  predictLogistic,
  predictSoftmaxProbabilities,
} from '../training/linear-models.js';
import { fitMlpClassifier, predictMlpProbabilities } from '../training/mlp.js';
import { normal, seededRandom } from '../training/seeded-random.js';
import { applyScaler, fitStandardScaler } from '../training/standard-scaler.js';
import { readServingExample } from './input-example.js';
import { saveModel } from './save-model.js';

const random = seededRandom(7);
const FEATURES = ['a', 'b', 'c'];
/** Three features on very different scales, so the scaler matters. */
const X = Array.from({ length: 120 }, () => [normal(random) * 10 + 50, normal(random), normal(random) * 0.01]);
const LINEAR = X.map(([a = 0, b = 0, c = 0]) => 0.3 * a - 2 * b + 100 * c);
const BINARY = LINEAR.map((y) => (y > 15 ? 1 : 0));
const CLASSES = LINEAR.map((y) => (y < 12 ? 3 : y < 18 ? 5 : 8));
const scaler = fitStandardScaler(X);
const scaled = applyScaler(scaler, X);
const signature: ModelSignature = { inputs: columnSchema(FEATURES, 'double') };

const python = findOnnxPython();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-save-model-'));
  if (python === undefined) warnNoOnnxChecker('onnx.checker.check_model on the models slipway/onnx builds');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Case {
  readonly name: string;
  readonly onnx: OnnxModel;
  /** Output name → the TypeScript model's own prediction for each row (flattened). */
  readonly expected: Record<string, number[]>;
}

const softmax = fitSoftmaxRegression(scaled, CLASSES, { epochs: 200 });
const logistic = fitLogisticRegression(scaled, BINARY, { epochs: 200 });
const linear = fitLinearRegression(scaled, LINEAR, { epochs: 300 });
const mlpRelu = fitMlpClassifier(scaled, CLASSES, { hidden: [8, 6], epochs: 30, seed: 1 });
const mlpTanh = fitMlpClassifier(scaled, CLASSES, { hidden: [5], activation: 'tanh', epochs: 30, seed: 2 });

const CASES: Case[] = [
  {
    name: 'linear regression',
    onnx: buildLinearRegression({ ...linear, scaler }),
    expected: { prediction: predictLinear(linear, scaled) },
  },
  {
    name: 'logistic regression',
    onnx: buildLogisticRegression({ ...logistic, scaler }),
    expected: { probabilities: predictLogistic(logistic, scaled).flatMap((p) => [1 - p, p]) },
  },
  {
    name: 'softmax regression',
    onnx: buildSoftmaxRegression({ ...softmax, scaler }),
    expected: { probabilities: predictSoftmaxProbabilities(softmax, scaled).flat() },
  },
  {
    name: 'MLP (ReLU)',
    onnx: buildMlp({ ...mlpRelu, scaler }),
    expected: { probabilities: predictMlpProbabilities(mlpRelu, scaled).flat() },
  },
  {
    name: 'MLP (tanh)',
    onnx: buildMlp({ ...mlpTanh, scaler }),
    expected: { probabilities: predictMlpProbabilities(mlpTanh, scaled).flat() },
  },
];

describe('slipway/onnx builders through saveModel and loadModel', () => {
  it.each(CASES)('$name passes onnx.checker and reproduces the TypeScript predictions within 1e-5', async (c) => {
    const folder = join(dir, c.name.replace(/\W+/g, '-'));
    await saveModel(folder, { onnx: c.onnx, signature, inputExample: { columns: FEATURES, data: X.slice(0, 2) } });
    if (python !== undefined) checkWithOnnx(python, join(folder, 'model.onnx'));
    const model = await loadModel(folder);
    try {
      const request = parseScoringRequest({ dataframe_split: { columns: FEATURES, data: X } });
      const { feeds } = toModelFeeds(request.payload, model);
      const outputs = await model.predict(feeds);
      for (const [name, expected] of Object.entries(c.expected)) {
        const actual = Array.from(outputs[name]?.data as Float32Array);
        expect(actual).toHaveLength(expected.length);
        const worst = Math.max(...actual.map((value, i) => Math.abs(value - (expected[i] ?? Number.NaN))));
        expect(worst).toBeLessThan(1e-5 * Math.max(1, ...expected.map(Math.abs)));
      }
    } finally {
      await model.close();
    }
  });

  it('classifiers label each row with the class of highest probability', async () => {
    const folder = join(dir, 'labels');
    await saveModel(folder, { onnx: buildSoftmaxRegression({ ...softmax, scaler }), signature });
    const model = await loadModel(folder);
    try {
      const { feeds } = toModelFeeds(parseScoringRequest({ inputs: X.slice(0, 20) }).payload, model);
      const labels = Array.from((await model.predict(feeds)).label?.data as BigInt64Array, Number);
      const expected = predictSoftmaxProbabilities(softmax, scaled.slice(0, 20)).map(
        (p) => softmax.classes[p.indexOf(Math.max(...p))],
      );
      expect(labels).toEqual(expected);
      expect(new Set(labels).size).toBeGreaterThan(1);
    } finally {
      await model.close();
    }
  });

  it('writes the package mlflow.onnx writes, and the MLmodel round-trips', async () => {
    const folder = join(dir, 'layout');
    const saved = await saveModel(folder, {
      onnx: buildSoftmaxRegression({ ...softmax, scaler }),
      signature,
      inputExample: { columns: FEATURES, data: [[1, 2, 3]] },
      metadata: { trained_by: 'test' },
    });
    expect((await readdir(folder)).sort()).toEqual([
      'MLmodel',
      'conda.yaml',
      'input_example.json',
      'model.onnx',
      'python_env.yaml',
      'requirements.txt',
      'serving_input_example.json',
    ]);
    const text = await readFile(join(folder, 'MLmodel'), 'utf8');
    const parsed = parseMlmodel(text, 'MLmodel');
    expect(parsed).toEqual(saved);
    expect(serializeMlmodel(parsed)).toBe(text);
    expect(parsed.flavors.python_function).toMatchObject({ loader_module: 'mlflow.onnx', data: 'model.onnx' });
    expect(parsed.flavors.onnx).toMatchObject({
      data: 'model.onnx',
      providers: ['CUDAExecutionProvider', 'CPUExecutionProvider'],
    });
    expect(parsed.utc_time_created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/);
    expect(parseSignature(parsed, 'MLmodel')).toEqual(signature);
    expect(await readServingExample(folder, parsed)).toEqual({
      dataframe_split: { columns: FEATURES, data: [[1, 2, 3]] },
    });
  });

  it('refuses to overwrite a folder and leaves no temp folder behind', async () => {
    const folder = join(dir, 'twice');
    const onnx = buildLinearRegression({ weights: [1], bias: 0 });
    await saveModel(folder, { onnx });
    await expect(saveModel(folder, { onnx })).rejects.toMatchObject({ code: 'RESOURCE_ALREADY_EXISTS' });
    expect((await readdir(dir)).filter((name) => name.includes('slipway-tmp'))).toEqual([]);
  });

  it('refuses a signature that does not fit the model', async () => {
    const onnx = buildLinearRegression({ weights: [1, 2], bias: 0 });
    await expect(saveModel(join(dir, 'misfit'), { onnx, signature })).rejects.toThrow(
      /takes 2 columns but the signature has 3/,
    );
  });
});
