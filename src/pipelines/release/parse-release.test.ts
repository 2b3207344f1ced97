import { describe, expect, it } from 'vitest';
import { parsePipeline } from '../parse-pipeline.js';
import { parseDuration } from './parse-duration.js';

const STAGES = `schema: 1
stages:
  train:
    cmd: [node, train.js]
    outs: [model, data/eval.csv]
`;

const problemsOf = (text: string): string[] => {
  try {
    parsePipeline(text);
  } catch (error) {
    return (error as Error).message
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
  }
  throw new Error('expected problems');
};

describe('the release sections of slipway.yaml', () => {
  it('parses model and environments into ReleaseConfig, with defaults, in file order', () => {
    const pipeline = parsePipeline(`${STAGES}model:
  name: wine-quality
  path: model
  gates:
    - {metric: accuracy, min: 0.55}
    - {metric: rmse, max: 0.8}
    - {metric: accuracy, better_than: production, min_delta: 0.01, direction: higher}
    - {metric: eval.f1, better_than: production}
  evaluation: {data: data/eval.csv, label: quality, metrics: [accuracy, f1, f1]}
environments:
  staging:
    port: 5101
    smoke:
      - inputs: {dataframe_records: [{alcohol: 9.4}]}
        expect: {predictions: [{label: 5}]}
        tolerance: 0.001
      - inputs: {inputs: [[7.4, 0.7]]}
        schema: true
  production:
    target: kubernetes
    url: https://wine.example.com
    namespace: ml
    replicas: 2
    resources: {cpu: 500m, memory: 512Mi}
    approval: manual
    smoke: [{inputs: {instances: [[1, 2]]}}]
    rollout:
      steps: [{weight: 10, duration: 30s}, {weight: 50, duration: 2m}]
      rollback: {max_error_rate: 0.01, max_p99_ms: 250}
`);
    expect(pipeline.release).toEqual({
      model: {
        name: 'wine-quality',
        path: 'model',
        gates: [
          { metric: 'accuracy', min: 0.55 },
          { metric: 'rmse', max: 0.8 },
          { metric: 'accuracy', betterThan: 'production', minDelta: 0.01, direction: 'higher' },
          { metric: 'eval.f1', betterThan: 'production' },
        ],
        evaluation: { data: 'data/eval.csv', label: 'quality', metrics: ['accuracy', 'f1'] },
      },
      environments: [
        {
          name: 'staging',
          target: 'local',
          port: 5101,
          approval: 'auto',
          smoke: [
            {
              inputs: { dataframe_records: [{ alcohol: 9.4 }] },
              expect: { predictions: [{ label: 5 }] },
              tolerance: 0.001,
            },
            { inputs: { inputs: [[7.4, 0.7]] }, schema: true },
          ],
        },
        {
          name: 'production',
          target: 'kubernetes',
          url: 'https://wine.example.com',
          namespace: 'ml',
          replicas: 2,
          resources: { cpu: '500m', memory: '512Mi' },
          approval: 'manual',
          smoke: [{ inputs: { instances: [[1, 2]] } }],
          rollout: {
            steps: [
              { weight: 10, durationMs: 30_000 },
              { weight: 50, durationMs: 120_000 },
            ],
            intervalMs: 5000,
            rollback: { maxErrorRate: 0.01, maxP99Ms: 250, minRequests: 1 },
          },
        },
      ],
    });
  });

  it('leaves a file without release sections as it was (release undefined)', () => {
    const pipeline = parsePipeline(STAGES);
    expect(pipeline.release).toBeUndefined();
    expect(pipeline.stages.map((s) => s.name)).toEqual(['train']);
  });

  it('accepts a model folder inside an out, and a model without gates', () => {
    const pipeline = parsePipeline(
      'schema: 1\nstages:\n  t: {cmd: x, wdir: work, outs: [models]}\nmodel: {name: wine, path: work/models/wine}\n',
    );
    expect(pipeline.release).toEqual({
      model: { name: 'wine', path: 'work/models/wine', gates: [] },
      environments: [],
    });
  });

  it('reports every problem of the gates at its line', () => {
    expect(
      problemsOf(`${STAGES}model:
  name: wine
  path: model
  colour: red
  gates:
    - {metric: accuracy}
    - {metric: accuracy, min: 0.9, max: 0.8}
    - {metric: rmse, max: 1, min_delta: 0.1}
    - {metric: eval.f1, better_than: latest}
    - {metric: eval.auc, min: 0.5}
    - {metric: loss, max: 1, direction: down, whatever: 1}
    - 3
`),
    ).toEqual([
      'slipway.yaml:9:3: colour: unknown key — model has name, path, gates and evaluation',
      'slipway.yaml:11:7: the gate on accuracy has no threshold — give it min, max or better_than: production',
      'slipway.yaml:12:31: min 0.9 is greater than max 0.8 — no value can pass: fix one',
      'slipway.yaml:13:41: min_delta applies only to a better_than gate — add better_than: production or remove min_delta',
      'slipway.yaml:14:16: eval.f1 is not computed — add model.evaluation with f1 in its metrics, or gate on a metric the run logs',
      'slipway.yaml:14:38: better_than "latest" is not an alias name — write the alias of the version to beat, e.g. better_than: production',
      "slipway.yaml:15:16: eval.auc is not an evaluation metric — use eval.accuracy, eval.f1, eval.precision, eval.recall, eval.rmse, eval.mae, eval.r2; the eval. prefix is kept for model.evaluation's metrics",
      'slipway.yaml:16:41: direction must be higher or lower — write direction: lower for a loss',
      'slipway.yaml:16:47: whatever: unknown key — a gate has metric, min, max, better_than, min_delta and direction',
      'slipway.yaml:17:7: a gate must be a mapping — write - {metric: accuracy, min: 0.8}',
    ]);
  });

  it('reports an unknown evaluation metric, a bad data path, and a gate on a metric the evaluation skips', () => {
    expect(
      problemsOf(`${STAGES}model:
  name: wine
  path: model
  evaluation: {data: ../outside.csv, label: quality, metrics: [accuracy, kappa]}
`),
    ).toEqual([
      'slipway.yaml:9:22: path "../outside.csv" leads outside the workspace — write a path inside the workspace, relative to slipway.yaml',
      'slipway.yaml:9:74: unknown evaluation metric — use accuracy, f1, precision, recall, rmse, mae, r2',
    ]);
    expect(
      problemsOf(`${STAGES}model:
  name: wine
  path: model
  gates: [{metric: eval.f1, min: 0.5}]
  evaluation: {data: data/eval.csv, label: quality, metrics: [accuracy]}
`),
    ).toEqual(['slipway.yaml:9:20: eval.f1 is not computed — add f1 to model.evaluation.metrics']);
  });

  it('reports a model folder that no stage writes, and a bad model name', () => {
    expect(problemsOf(`${STAGES}model: {name: a/b, path: models/wine}\n`)).toEqual([
      'slipway.yaml:6:15: Invalid registered model name: it contains "/" — use a short name such as wine-quality',
      'slipway.yaml:6:26: model.path models/wine is not written by any stage (the outs are model, data/eval.csv) — add it to the outs of the stage that saves the model, so slipway release registers what the pipeline made',
    ]);
    expect(problemsOf(`${STAGES}model: {name: wine, path: /abs}\n`)).toEqual([
      'slipway.yaml:6:27: path "/abs" is absolute — write a path inside the workspace, relative to slipway.yaml',
    ]);
  });

  it('reports every problem of the environments at its line', () => {
    expect(
      problemsOf(`${STAGES}environments:
  staging:
    target: local
  qa:
    port: 5101
    approval: later
  Prod_1:
    port: 5101
  canary:
    port: 5101
    smoke:
      - {inputs: {rows: [1]}}
      - {inputs: {inputs: [[1]]}, tolerance: -1, schema: yes}
      - {expect: 1}
  docker:
    target: docker
    smoke: [{inputs: {inputs: [[1]]}}]
  kube:
    target: cloud
    port: 70000
    url: ftp://x
`),
    ).toEqual([
      'slipway.yaml:7:3: environment staging is local but has no port — add port: 5101 (where its server listens)',
      'slipway.yaml:11:15: approval must be auto or manual — write approval: manual to wait for a person to approve',
      'slipway.yaml:12:3: environment name "Prod_1" is not allowed — use lowercase letters, digits and -, starting with a letter, at most 20 characters (staging, production)',
      'slipway.yaml:13:11: port 5101 is also the port of qa (line 10) — give each local environment its own port',
      'slipway.yaml:15:11: port 5101 is also the port of qa (line 10) — give each local environment its own port',
      'slipway.yaml:17:18: inputs is not an /invocations body: The request must contain exactly one of dataframe_split, dataframe_records, instances, inputs (the MLflow 2.0 scoring protocol); it has none — write a mapping with one of dataframe_split, dataframe_records, instances, inputs, e.g. inputs: {dataframe_records: [{…}]}',
      'slipway.yaml:18:46: tolerance must not be negative — write tolerance: 0.000001',
      'slipway.yaml:18:58: schema must be true or false — write schema: true',
      'slipway.yaml:19:9: inputs must be a mapping (an /invocations body) — write inputs: {dataframe_records: [{…}]}',
      'slipway.yaml:20:3: environment docker (docker) has smoke tests or a rollout but no url — add url: the endpoint slipway release can reach, e.g. url: https://wine.staging.example.com',
      'slipway.yaml:24:13: target must be one of local, docker, kubernetes — write target: local',
      'slipway.yaml:25:11: port must be 1-65535 — write port: 5101',
      'slipway.yaml:26:10: url must be an http(s) URL — write url: http://127.0.0.1:5101',
    ]);
  });

  it('reports bad durations, weights that do not grow inside (0, 100), and a rollback without a condition', () => {
    expect(
      problemsOf(`${STAGES}environments:
  production:
    port: 5102
    rollout:
      steps:
        - {weight: 10, duration: 30 seconds}
        - {weight: 10, duration: 1m}
        - {weight: 5, duration: 0}
        - {weight: 100, duration: 25h}
      interval: soon
      rollback: {}
`),
    ).toEqual([
      'slipway.yaml:11:34: duration "30 seconds" is not a duration — write 30s, 2m, 500ms or a number of seconds (at most 24h)',
      'slipway.yaml:13:33: duration 0 is not a duration — write 30s, 2m, 500ms or a number of seconds (at most 24h)',
      'slipway.yaml:14:35: duration "25h" is not a duration — write 30s, 2m, 500ms or a number of seconds (at most 24h)',
      'slipway.yaml:15:17: interval "soon" is not a duration — write 5s, 2m, 500ms or a number of seconds (at most 24h)',
    ]);
    expect(
      problemsOf(`${STAGES}environments:
  production:
    port: 5102
    rollout:
      steps: [{weight: 10, duration: 30s}, {weight: 10, duration: 1m}, {weight: 5, duration: 1}, {weight: 100, duration: 2}]
      rollback: {}
`),
    ).toEqual([
      "slipway.yaml:10:53: weight 10 does not grow (the step before has 10) — make each step's weight larger than the one before, e.g. 10, 50",
      "slipway.yaml:10:81: weight 5 does not grow (the step before has 10) — make each step's weight larger than the one before, e.g. 10, 50",
      'slipway.yaml:10:107: weight 100 is not between 0 and 100 — write a percentage strictly inside (0, 100)',
      'slipway.yaml:11:17: rollback has no condition — give it max_error_rate, max_p99_ms or both',
    ]);
  });

  it('names the release keys among the top-level keys', () => {
    expect(problemsOf(`${STAGES}models: {}\n`)).toEqual([
      'slipway.yaml:6:1: models: unknown key — slipway.yaml has schema, experiment, stages, model and environments',
    ]);
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    [30, 30_000],
    [0.25, 250],
    ['45', 45_000],
    [' 10s ', 10_000],
  ])('%j is %i ms', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each([['0s'], [0], [-1], ['-5s'], ['1d'], ['1e3s'], ['25h'], [''], ['0.1ms'], [Number.NaN], [true]])(
    '%j is refused',
    (value) => {
      expect(parseDuration(value)).toBeUndefined();
    },
  );
});
