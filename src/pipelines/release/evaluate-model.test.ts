import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classKey, evaluateModel, evaluationRunMetrics } from './evaluate-model.js';
import { classificationScores, regressionScores } from './evaluation-metrics.js';

// Made by test/fixtures/evaluation/make-evaluation-fixture.py (scikit-learn's numbers in expected.json).
const FIXTURE = new URL('../../../test/fixtures/evaluation/', import.meta.url).pathname;
const CLASSIFIER = join(FIXTURE, 'classifier');
const REGRESSOR = join(FIXTURE, 'regressor');
const CSV = join(FIXTURE, 'eval.csv');
const load = { intraOpNumThreads: 1, interOpNumThreads: 1 } as const;

interface Expected {
  readonly rows: number;
  readonly classifier: Record<string, number>;
  readonly regressor: Record<string, number>;
}

let expected: Expected;
let dir: string;
let csvText: string;

beforeAll(async () => {
  expected = JSON.parse(await readFile(join(FIXTURE, 'expected.json'), 'utf8'));
  csvText = await readFile(CSV, 'utf8');
  dir = await mkdtemp(join(tmpdir(), 'slipway-evaluate-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const closeTo = (actual: Readonly<Record<string, number | undefined>>, want: Readonly<Record<string, number>>) => {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(want).sort());
  for (const [name, value] of Object.entries(want)) {
    expect(Math.abs((actual[name] ?? Number.NaN) - value), name).toBeLessThanOrEqual(1e-9);
  }
};

async function csv(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('evaluateModel matches scikit-learn on the fixture', () => {
  it('scores a classifier (its label output) with every metric', async () => {
    const evaluation = await evaluateModel({
      model: CLASSIFIER,
      data: CSV,
      label: 'quality',
      metrics: ['accuracy', 'f1', 'precision', 'recall', 'rmse', 'mae', 'r2'],
      load,
    });
    expect(evaluation).toMatchObject({ rows: expected.rows, task: 'classification', output: 'label' });
    closeTo(evaluation.metrics, expected.classifier);
  });

  it('gives the same numbers whatever the batch size', async () => {
    const evaluation = await evaluateModel({
      model: CLASSIFIER,
      data: CSV,
      label: 'quality',
      metrics: ['accuracy', 'f1'],
      batchRows: 7,
      load,
    });
    closeTo(evaluation.metrics, { accuracy: expected.classifier.accuracy ?? 0, f1: expected.classifier.f1 ?? 0 });
    expect(evaluationRunMetrics(evaluation)).toEqual({
      'eval.accuracy': evaluation.metrics.accuracy,
      'eval.f1': evaluation.metrics.f1,
    });
  });

  it('scores a regressor with rmse, mae and r2', async () => {
    const evaluation = await evaluateModel({
      model: REGRESSOR,
      data: CSV,
      label: 'target',
      metrics: ['rmse', 'mae', 'r2'],
      load,
    });
    expect(evaluation).toMatchObject({ rows: expected.rows, task: 'regression', output: 'prediction' });
    closeTo(evaluation.metrics, expected.regressor);
  });
});

describe('evaluateModel refuses what it cannot score, naming the problem', () => {
  it('classification metrics on a regressor', async () => {
    await expect(
      evaluateModel({ model: REGRESSOR, data: CSV, label: 'target', metrics: ['rmse', 'accuracy', 'f1'], load }),
    ).rejects.toThrow("accuracy, f1 need a classifier, but the model's output 'prediction' is a regression value.");
  });

  it('a CSV larger than the limit, before loading a row', async () => {
    await expect(
      evaluateModel({
        model: CLASSIFIER,
        data: CSV,
        dataName: 'data/eval.csv',
        label: 'quality',
        metrics: ['accuracy'],
        maxBytes: 1024,
        load,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/^The evaluation data data\/eval\.csv is larger than 1 KiB \(4\.\d KiB\)\.$/),
    });
  });

  it('missing input and label columns, with the columns the file has', async () => {
    const file = await csv('missing.csv', 'alcohol,fixed acidity,sulphates,grade\n9.4,7.4,0.56,5\n');
    await expect(
      evaluateModel({
        model: CLASSIFIER,
        data: file,
        dataName: 'eval.csv',
        label: 'quality',
        metrics: ['accuracy'],
        load,
      }),
    ).rejects.toThrow(
      'The evaluation data eval.csv lacks the model input column "pH" and the label column "quality"; its columns are "alcohol", "fixed acidity", "sulphates", "grade".',
    );
  });

  it('a cell the model cannot take, by its line', async () => {
    const lines = csvText.split('\n');
    lines[3] = (lines[3] as string).replace(/^[^,]+/, 'strong');
    const file = await csv('bad-cell.csv', lines.join('\n'));
    await expect(
      evaluateModel({
        model: CLASSIFIER,
        data: file,
        dataName: 'eval.csv',
        label: 'quality',
        metrics: ['f1'],
        batchRows: 2,
        load,
      }),
    ).rejects.toThrow(
      /^The evaluation data eval\.csv does not fit the model: Column "alcohol" on line 4: "strong" is not a finite number/,
    );
  });

  it('an empty label, a text label for rmse, a ragged row, an empty file', async () => {
    const run = (file: string, label = 'quality', metrics = ['accuracy'] as const) =>
      evaluateModel({ model: CLASSIFIER, data: file, dataName: 'x.csv', label, metrics: [...metrics], load });
    const header = 'alcohol,pH,fixed acidity,sulphates,quality\n';
    await expect(run(await csv('empty-label.csv', `${header}9.4,3.5,7.4,0.56,5\n9.4,3.5,7.4,0.56,\n`))).rejects.toThrow(
      'The label "quality" on line 3 of x.csv is empty.',
    );
    await expect(
      evaluateModel({
        model: CLASSIFIER,
        data: await csv('text-label.csv', `${header}9.4,3.5,7.4,0.56,good\n`),
        dataName: 'x.csv',
        label: 'quality',
        metrics: ['accuracy', 'mae'],
        load,
      }),
    ).rejects.toThrow('The label "quality" on line 2 of x.csv is "good", not a number; rmse, mae and r2 need numbers.');
    await expect(run(await csv('ragged.csv', `${header}9.4,3.5,7.4,0.56\n`))).rejects.toThrow(
      /^The evaluation data x\.csv is not valid CSV: Invalid Record Length/,
    );
    await expect(run(await csv('header-only.csv', header))).rejects.toThrow('The evaluation data x.csv has no rows.');
    await expect(run(join(dir, 'absent.csv'))).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});

describe('the metrics', () => {
  it('follow scikit-learn on the corner cases: 0/0 is 0, a constant truth, one row', () => {
    expect(classificationScores(['a', 'a', 'b'], ['a', 'c', 'c'])).toEqual({
      accuracy: 1 / 3,
      precision: (1 + 0 + 0) / 3,
      recall: (0.5 + 0 + 0) / 3,
      f1: (2 / 3 + 0 + 0) / 3,
    });
    expect(regressionScores([2, 2], [2, 2]).r2).toBe(1);
    expect(regressionScores([2, 2], [1, 3]).r2).toBe(0);
    expect(regressionScores([2], [1]).r2).toBeNaN();
    expect(regressionScores([1, 2, 3], [1, 2, 5])).toEqual({ rmse: Math.sqrt(4 / 3), mae: 2 / 3, r2: 1 - 4 / 2 });
  });

  it('compare classes by value: 5, "5" and "5.0" are one class; text stays text', () => {
    expect([classKey(5), classKey('5'), classKey('5.0'), classKey(' 5 ')]).toEqual(['5', '5', '5', '5']);
    expect([classKey('red'), classKey(true), classKey('')]).toEqual(['red', 'true', '']);
  });
});
