import { z } from 'zod';

/** The format version of slipway.yaml this Slipway reads and writes. */
export const PIPELINE_SCHEMA_VERSION = 1;
export const PIPELINE_FILE = 'slipway.yaml';
export const DEFAULT_PARAMS_FILE = 'params.yaml';
/** Stages after foreach/matrix expansion: more than this is refused (a runaway matrix). */
export const MAX_STAGES = 1000;

// Every message is `what — what to do`; the parser splits it at the dash.
const text = (what: string, example: string) => z.string({ error: `${what} must be a string — ${example}` });
const pathList = (field: string) =>
  z.array(text(`each ${field} entry`, `write a path relative to the stage's wdir, e.g. data/${field}.csv`), {
    error: `${field} must be a list of paths — write ${field}: [path, …]`,
  });
const flag = (field: string) =>
  z.boolean({ error: `${field} must be true or false — write ${field}: true` }).optional();

const CMD_TODO = 'write cmd: python train.py or cmd: [python, train.py]';
const cmdSchema = z.union(
  [
    z.string().min(1, { error: `cmd must not be empty — ${CMD_TODO}` }),
    z
      .array(z.string({ error: 'each argument must be a string — quote it: "0.1"' }))
      .min(1, { error: `cmd must not be an empty list — ${CMD_TODO}` }),
  ],
  {
    error:
      'cmd must be a non-empty string (a shell line) or a list of strings (argv, no shell) — write cmd: python train.py or cmd: [python, train.py]',
  },
);

const paramsEntrySchema = z.union(
  [
    z.string().min(1),
    z.record(z.string(), z.union([z.array(z.string()), z.null()])).refine((value) => Object.keys(value).length === 1),
  ],
  {
    error:
      'each params entry must be a dotted key of params.yaml or {file: [keys]} ({file: } for the whole file) — write - train.lr or - config.yaml: [model.depth]',
  },
);

/** The fields of one stage (after templating, or inside `do:`). */
export const stageBodyShape = {
  cmd: cmdSchema,
  wdir: text('wdir', 'write wdir: src (relative to slipway.yaml)').optional(),
  deps: pathList('deps').optional(),
  params: z
    .array(paramsEntrySchema, { error: 'params must be a list — write params: [train.lr, train.epochs]' })
    .optional(),
  outs: pathList('outs').optional(),
  metrics: pathList('metrics').optional(),
  plots: pathList('plots').optional(),
  frozen: flag('frozen'),
  always_changed: flag('always_changed'),
  desc: text('desc', 'write desc: "what the stage does"').optional(),
};

/** The error of a mapping: `unknown` for a key it does not have, `notObject` when it is no mapping at all. */
const mappingError = (unknown: string, notObject: string) => ({
  error: (issue: { code?: string }) => (issue.code === 'unrecognized_keys' ? unknown : notObject),
});

const FIELDS = 'cmd, wdir, deps, params, outs, metrics, plots, frozen, always_changed, desc';
const STAGE_NOT_MAPPING = 'a stage must be a mapping — write train: {cmd: python train.py, deps: [...]}';

export const stageBodySchema = z.strictObject(
  stageBodyShape,
  mappingError(`unknown key — a stage has ${FIELDS}`, STAGE_NOT_MAPPING),
);

const templateValues = z.union([z.array(z.unknown()).min(1), z.record(z.string(), z.unknown())], {
  error: 'foreach must be a non-empty list or a mapping — write foreach: [a, b] or foreach: {a: …, b: …}',
});

export const foreachStageSchema = z.strictObject(
  {
    foreach: templateValues,
    do: z.strictObject(
      stageBodyShape,
      mappingError(
        `unknown key — a stage has ${FIELDS}`,
        'do must be a mapping of stage fields — write do: {cmd: …, deps: […]}',
      ),
    ),
  },
  mappingError(
    'unknown key — a foreach stage has only foreach and do (the stage fields go under do)',
    STAGE_NOT_MAPPING,
  ),
);

export const matrixStageSchema = z.strictObject(
  {
    ...stageBodyShape,
    matrix: z
      .record(
        z.string(),
        z.array(z.unknown(), { error: 'each matrix entry must be a list of values — write lr: [0.1, 0.01]' }).min(1, {
          error: 'each matrix entry needs at least one value — write lr: [0.1, 0.01]',
        }),
        { error: 'matrix must be a mapping of name → list of values — write matrix: {lr: [0.1, 0.01]}' },
      )
      .optional(),
  },
  mappingError(`unknown key — a stage has ${FIELDS}, and foreach or matrix`, STAGE_NOT_MAPPING),
);

export const pipelineFileSchema = z.strictObject(
  {
    schema: z.literal(PIPELINE_SCHEMA_VERSION, {
      error: `schema must be ${PIPELINE_SCHEMA_VERSION} — write schema: ${PIPELINE_SCHEMA_VERSION} at the top (this Slipway reads slipway.yaml format ${PIPELINE_SCHEMA_VERSION})`,
    }),
    experiment: text('experiment', 'write experiment: wine (the tracking experiment of the runs)').optional(),
    stages: z.record(z.string(), z.unknown(), { error: 'stages must be a mapping — write stages: {train: {cmd: …}}' }),
    // The release sections, checked by release/parse-release.ts.
    model: z.unknown().optional(),
    environments: z.unknown().optional(),
  },
  mappingError(
    'unknown key — slipway.yaml has schema, experiment, stages, model and environments',
    'slipway.yaml must be a mapping — start it with schema: 1 and stages:',
  ),
);

export type StageBody = z.infer<typeof stageBodySchema>;
export type ParamsEntry = z.infer<typeof paramsEntrySchema>;
