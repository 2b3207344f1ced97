import { z } from 'zod';
import { DEPLOYMENT_TARGET_KINDS } from '../../deploy/deployments/deployment-types.js';
import { parseDuration } from './parse-duration.js';
import { EVALUATION_METRICS } from './release-config.js';

// The `model:` and `environments:` sections of slipway.yaml, as written (snake_case). Every message is
// `what — what to do`; parse-release.ts turns them into ReleaseConfig and adds the checks across fields.

export const DEFAULT_SMOKE_TOLERANCE = 1e-6;
export const DEFAULT_ROLLOUT_INTERVAL_MS = 5000;
export const MAX_GATES = 100;
export const MAX_SMOKE_TESTS = 100;
export const MAX_ROLLOUT_STEPS = 20;
export const MAX_ENVIRONMENTS = 20;

const mappingError = (unknown: string, notObject: string) => ({
  error: (issue: { code?: string }) => (issue.code === 'unrecognized_keys' ? unknown : notObject),
});

const text = (field: string, example: string) =>
  z
    .string({ error: `${field} must be a string — write ${example}` })
    .min(1, { error: `${field} is empty — write ${example}` });
const number = (field: string, example: string) => z.number({ error: `${field} must be a number — write ${example}` });

/** A duration (`30s`, `2m`, `500ms`, or seconds), as milliseconds. */
export const durationSchema = (field: string, example: string) =>
  z
    .union([z.number(), z.string()], { error: `${field} must be a duration — write ${field}: ${example}` })
    .transform((value, context) => {
      const ms = parseDuration(value);
      if (ms !== undefined) return ms;
      context.addIssue({
        code: 'custom',
        message: `${field} ${JSON.stringify(value)} is not a duration — write ${example}, 2m, 500ms or a number of seconds (at most 24h)`,
      });
      return z.NEVER;
    });

export const gateSchema = z.strictObject(
  {
    metric: text('metric', 'metric: accuracy').max(250, { error: 'metric is too long — keep it under 250 characters' }),
    min: number('min', 'min: 0.8').optional(),
    max: number('max', 'max: 0.5').optional(),
    better_than: text('better_than', 'better_than: production (an alias of the model)').optional(),
    min_delta: number('min_delta', 'min_delta: 0.01')
      .min(0, { error: 'min_delta must not be negative — write min_delta: 0.01 (how much better than the champion)' })
      .optional(),
    direction: z
      .enum(['higher', 'lower'], { error: 'direction must be higher or lower — write direction: lower for a loss' })
      .optional(),
  },
  mappingError(
    'unknown key — a gate has metric, min, max, better_than, min_delta and direction',
    'a gate must be a mapping — write - {metric: accuracy, min: 0.8}',
  ),
);

export const evaluationSchema = z.strictObject(
  {
    data: text('data', 'data: data/eval.csv (a CSV file with the model inputs and the label)'),
    label: text('label', 'label: quality (the CSV column with the true answer)'),
    metrics: z
      .array(
        z.enum(EVALUATION_METRICS, {
          error: `unknown evaluation metric — use ${EVALUATION_METRICS.join(', ')}`,
        }),
        { error: 'metrics must be a list — write metrics: [accuracy, f1]' },
      )
      .min(1, { error: 'metrics is empty — write metrics: [accuracy, f1]' }),
  },
  mappingError(
    'unknown key — evaluation has data, label and metrics',
    'evaluation must be a mapping — write evaluation: {data: data/eval.csv, label: quality, metrics: [accuracy]}',
  ),
);

export const modelSchema = z.strictObject(
  {
    name: text('name', 'name: wine-quality (the registered model)'),
    path: text('path', 'path: model (the MLmodel folder a stage writes)'),
    gates: z
      .array(z.unknown(), { error: 'gates must be a list — write gates: [{metric: accuracy, min: 0.8}]' })
      .max(MAX_GATES, { error: `too many gates — keep at most ${MAX_GATES}` })
      .optional(),
    evaluation: z.unknown().optional(),
  },
  mappingError(
    'unknown key — model has name, path, gates and evaluation',
    'model must be a mapping — write model: {name: wine-quality, path: model}',
  ),
);

export const smokeTestSchema = z.strictObject(
  {
    inputs: z.record(z.string(), z.unknown(), {
      error: 'inputs must be a mapping (an /invocations body) — write inputs: {dataframe_records: [{…}]}',
    }),
    expect: z.unknown().optional(),
    tolerance: number('tolerance', 'tolerance: 0.000001')
      .min(0, { error: 'tolerance must not be negative — write tolerance: 0.000001' })
      .optional(),
    schema: z.boolean({ error: 'schema must be true or false — write schema: true' }).optional(),
  },
  mappingError(
    'unknown key — a smoke test has inputs, expect, tolerance and schema',
    'a smoke test must be a mapping — write - {inputs: {dataframe_records: [{…}]}, schema: true}',
  ),
);

const rollbackSchema = z.strictObject(
  {
    max_error_rate: number('max_error_rate', 'max_error_rate: 0.01')
      .min(0, { error: 'max_error_rate is a fraction — write max_error_rate: 0.01 (1 % of requests)' })
      .max(1, { error: 'max_error_rate is a fraction — write max_error_rate: 0.01 (1 % of requests)' })
      .optional(),
    max_p99_ms: number('max_p99_ms', 'max_p99_ms: 250')
      .positive({ error: 'max_p99_ms must be positive — write max_p99_ms: 250' })
      .optional(),
    min_requests: z
      .int({ error: 'min_requests must be a whole number — write min_requests: 20' })
      .min(1, { error: 'min_requests must be at least 1 — write min_requests: 20' })
      .optional(),
  },
  mappingError(
    'unknown key — rollback has max_error_rate, max_p99_ms and min_requests',
    'rollback must be a mapping — write rollback: {max_error_rate: 0.01, max_p99_ms: 250}',
  ),
);

const rolloutStepSchema = z.strictObject(
  {
    weight: number('weight', 'weight: 10 (percent of the traffic)'),
    duration: durationSchema('duration', '30s'),
  },
  mappingError(
    'unknown key — a rollout step has weight and duration',
    'a rollout step must be a mapping — write - {weight: 10, duration: 30s}',
  ),
);

export const rolloutSchema = z.strictObject(
  {
    steps: z
      .array(rolloutStepSchema, { error: 'steps must be a list — write steps: [{weight: 10, duration: 30s}]' })
      .min(1, { error: 'steps is empty — write steps: [{weight: 10, duration: 30s}]' })
      .max(MAX_ROLLOUT_STEPS, { error: `too many steps — keep at most ${MAX_ROLLOUT_STEPS}` }),
    interval: durationSchema('interval', '5s').optional(),
    rollback: rollbackSchema.optional(),
  },
  mappingError(
    'unknown key — rollout has steps, interval and rollback',
    'rollout must be a mapping — write rollout: {steps: [{weight: 10, duration: 30s}]}',
  ),
);

const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const quantity = (field: string, example: string) =>
  z
    .union([z.string(), z.number()], { error: `${field} must be a quantity — write ${field}: ${example}` })
    .transform(String)
    .refine((value) => QUANTITY.test(value), {
      error: `${field} is not a quantity — write ${field}: ${example} (Kubernetes units)`,
    });

export const environmentSchema = z.strictObject(
  {
    target: z
      .enum(DEPLOYMENT_TARGET_KINDS, {
        error: `target must be one of ${DEPLOYMENT_TARGET_KINDS.join(', ')} — write target: local`,
      })
      .optional(),
    host: text('host', 'host: 127.0.0.1').max(253).optional(),
    port: z
      .int({ error: 'port must be a whole number — write port: 5101' })
      .min(1, { error: 'port must be 1-65535 — write port: 5101' })
      .max(65535, { error: 'port must be 1-65535 — write port: 5101' })
      .optional(),
    url: z
      .url({ protocol: /^https?$/, error: 'url must be an http(s) URL — write url: http://127.0.0.1:5101' })
      .max(2000, { error: 'url is too long — keep it under 2000 characters' })
      .optional(),
    namespace: z
      .string({ error: 'namespace must be a string — write namespace: ml' })
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
        error: 'namespace must be a Kubernetes name — use lowercase letters, digits and -',
      })
      .optional(),
    replicas: z
      .int({ error: 'replicas must be a whole number — write replicas: 2' })
      .min(1, { error: 'replicas must be 1-1000 — write replicas: 2' })
      .max(1000, { error: 'replicas must be 1-1000 — write replicas: 2' })
      .optional(),
    resources: z
      .strictObject(
        { cpu: quantity('cpu', '500m').optional(), memory: quantity('memory', '512Mi').optional() },
        mappingError(
          'unknown key — resources has cpu and memory',
          'resources must be a mapping — write resources: {cpu: 500m, memory: 512Mi}',
        ),
      )
      .optional(),
    smoke: z
      .array(z.unknown(), { error: 'smoke must be a list — write smoke: [{inputs: {…}, schema: true}]' })
      .max(MAX_SMOKE_TESTS, { error: `too many smoke tests — keep at most ${MAX_SMOKE_TESTS}` })
      .optional(),
    approval: z
      .enum(['auto', 'manual'], {
        error: 'approval must be auto or manual — write approval: manual to wait for a person to approve',
      })
      .optional(),
    rollout: z.unknown().optional(),
  },
  mappingError(
    'unknown key — an environment has target, host, port, url, namespace, replicas, resources, smoke, approval and rollout',
    'an environment must be a mapping — write staging: {target: local, port: 5101}',
  ),
);

export const environmentsSchema = z
  .record(z.string(), z.unknown(), {
    error: 'environments must be a mapping of name → environment — write environments: {staging: {port: 5101}}',
  })
  .refine((value) => Object.keys(value).length <= MAX_ENVIRONMENTS, {
    error: `too many environments — keep at most ${MAX_ENVIRONMENTS}`,
  });

export type GateFields = z.infer<typeof gateSchema>;
export type EnvironmentFields = z.infer<typeof environmentSchema>;
export type RolloutFields = z.infer<typeof rolloutSchema>;
