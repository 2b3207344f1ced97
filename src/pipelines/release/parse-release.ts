import { checkEnvironmentName } from '../../deploy/deployments/deployment-types.js';
import { checkAliasName, parseModelName } from '../../domain/model-name.js';
import { parseScoringRequest, SCORING_FORMATS } from '../../models/scoring/parse-scoring-request.js';
import { check, type Path, type Report } from '../check-schema.js';
import type { Stage } from '../types.js';
import { normalizePath } from '../workspace-path.js';
import type { Position } from '../yaml-source.js';
import {
  type EnvironmentConfig,
  EVALUATION_METRICS,
  EVALUATION_PREFIX,
  type EvaluationConfig,
  type EvaluationMetric,
  type GateConfig,
  type ModelReleaseConfig,
  type ReleaseConfig,
  type RolloutConfig,
  type SmokeTestConfig,
} from './release-config.js';
import {
  DEFAULT_ROLLOUT_INTERVAL_MS,
  type EnvironmentFields,
  environmentSchema,
  environmentsSchema,
  evaluationSchema,
  gateSchema,
  modelSchema,
  rolloutSchema,
  smokeTestSchema,
} from './release-schema.js';

/** What the release sections are checked against: the expanded stages (undefined when they had problems). */
export interface ReleaseContext {
  readonly stages: readonly Stage[] | undefined;
  readonly report: Report;
  /** Where a path of slipway.yaml was written. */
  readonly at: (path: Path) => Position | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Drops undefined fields, so a parsed config shows only what the file (or a default) set. */
const compact = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;

/**
 * Reads `model:` and `environments:` of slipway.yaml (`top` is the whole file), reporting every problem. Undefined
 * when the file has neither section (the release sections are optional).
 */
export function readRelease(top: unknown, context: ReleaseContext): ReleaseConfig | undefined {
  if (!isRecord(top)) return undefined;
  const hasModel = Object.hasOwn(top, 'model');
  const hasEnvironments = Object.hasOwn(top, 'environments');
  if (!hasModel && !hasEnvironments) return undefined;
  return {
    model: hasModel ? readModel(top.model, context) : undefined,
    environments: hasEnvironments ? readEnvironments(top.environments, context) : [],
  };
}

// ---- model ----

function readModel(raw: unknown, context: ReleaseContext): ModelReleaseConfig | undefined {
  const base = ['model'];
  const parsed = check(modelSchema, raw, base, context.report);
  // Gates and evaluation are checked even when another field is wrong, so every problem is reported at once.
  const fields = isRecord(raw) ? raw : {};
  const evaluation =
    fields.evaluation === undefined ? undefined : readEvaluation(fields.evaluation, [...base, 'evaluation'], context);
  const gates = Array.isArray(fields.gates)
    ? fields.gates.map((gate, i) => readGate(gate, [...base, 'gates', i], evaluationOf(fields, evaluation), context))
    : [];
  if (parsed === undefined) return undefined;
  const name = checkName(parsed.name, [...base, 'name'], context.report);
  const path = modelPath(parsed.path, [...base, 'path'], context);
  if (name === undefined || path === undefined || gates.some((gate) => gate === undefined)) return undefined;
  if (fields.evaluation !== undefined && evaluation === undefined) return undefined;
  return compact({ name, path, gates: gates as GateConfig[], evaluation });
}

/** The evaluation gates are checked against: `invalid` when the section is there but has problems of its own. */
const evaluationOf = (fields: Record<string, unknown>, evaluation: EvaluationConfig | undefined) =>
  fields.evaluation !== undefined && evaluation === undefined ? 'invalid' : evaluation;

function checkName(name: string, at: Path, report: Report): string | undefined {
  try {
    return parseModelName(name).name;
  } catch (error) {
    report(at, (error as Error).message.replace(/\.$/, ''), 'use a short name such as wine-quality');
    return undefined;
  }
}

/** The model folder must be written by a stage: `slipway release` runs the pipeline, then registers that out. */
function modelPath(raw: string, at: Path, context: ReleaseContext): string | undefined {
  const path = normalizePath(raw, '', at, context.report, false, 'slipway.yaml');
  if (path === undefined || context.stages === undefined) return path;
  const outs = context.stages.flatMap((stage) => stage.outs);
  if (outs.some((out) => path === out || path.startsWith(`${out}/`))) return path;
  const listed = outs.length === 0 ? 'no stage writes an out yet' : `the outs are ${outs.slice(0, 10).join(', ')}`;
  context.report(
    at,
    `model.path ${path} is not written by any stage (${listed})`,
    'add it to the outs of the stage that saves the model, so slipway release registers what the pipeline made',
  );
  return undefined;
}

function readEvaluation(raw: unknown, base: Path, context: ReleaseContext): EvaluationConfig | undefined {
  const parsed = check(evaluationSchema, raw, base, context.report);
  const written = isRecord(raw) && typeof raw.data === 'string' ? raw.data : undefined;
  const data =
    written === undefined
      ? undefined
      : normalizePath(written, '', [...base, 'data'], context.report, false, 'slipway.yaml');
  if (parsed === undefined || data === undefined) return undefined;
  return { data, label: parsed.label, metrics: [...new Set(parsed.metrics)] };
}

function readGate(
  raw: unknown,
  base: Path,
  evaluation: EvaluationConfig | 'invalid' | undefined,
  context: ReleaseContext,
): GateConfig | undefined {
  const gate = check(gateSchema, raw, base, context.report);
  if (gate === undefined) return undefined;
  const problems: [Path, string, string][] = [];
  if (gate.min === undefined && gate.max === undefined && gate.better_than === undefined) {
    problems.push([base, `the gate on ${gate.metric} has no threshold`, 'give it min, max or better_than: production']);
  }
  if (gate.min !== undefined && gate.max !== undefined && gate.min > gate.max) {
    problems.push([[...base, 'min'], `min ${gate.min} is greater than max ${gate.max}`, 'no value can pass: fix one']);
  }
  if (gate.min_delta !== undefined && gate.better_than === undefined) {
    problems.push([
      [...base, 'min_delta'],
      'min_delta applies only to a better_than gate',
      'add better_than: production or remove min_delta',
    ]);
  }
  if (gate.better_than !== undefined && !isAlias(gate.better_than)) {
    problems.push([
      [...base, 'better_than'],
      `better_than ${JSON.stringify(gate.better_than)} is not an alias name`,
      'write the alias of the version to beat, e.g. better_than: production',
    ]);
  }
  const evalProblem = evaluationMetricProblem(gate.metric, evaluation);
  if (evalProblem !== undefined) problems.push([[...base, 'metric'], ...evalProblem]);
  for (const [at, what, todo] of problems) context.report(at, what, todo);
  if (problems.length > 0) return undefined;
  return compact({
    metric: gate.metric,
    min: gate.min,
    max: gate.max,
    betterThan: gate.better_than,
    minDelta: gate.min_delta,
    direction: gate.direction,
  });
}

function isAlias(alias: string): boolean {
  try {
    checkAliasName(alias, 'better_than');
    return true;
  } catch {
    return false;
  }
}

/** eval.<name> must be an evaluation metric that model.evaluation computes. */
function evaluationMetricProblem(
  metric: string,
  evaluation: EvaluationConfig | 'invalid' | undefined,
): [string, string] | undefined {
  if (!metric.startsWith(EVALUATION_PREFIX) || evaluation === 'invalid') return undefined;
  const name = metric.slice(EVALUATION_PREFIX.length);
  if (!(EVALUATION_METRICS as readonly string[]).includes(name)) {
    return [
      `${metric} is not an evaluation metric`,
      `use eval.${EVALUATION_METRICS.join(', eval.')}; the eval. prefix is kept for model.evaluation's metrics`,
    ];
  }
  if (evaluation?.metrics.includes(name as EvaluationMetric)) return undefined;
  return [
    `${metric} is not computed`,
    evaluation === undefined
      ? `add model.evaluation with ${name} in its metrics, or gate on a metric the run logs`
      : `add ${name} to model.evaluation.metrics`,
  ];
}

// ---- environments ----

function readEnvironments(raw: unknown, context: ReleaseContext): EnvironmentConfig[] {
  const all = check(environmentsSchema, raw, ['environments'], context.report);
  if (all === undefined) return [];
  const environments: EnvironmentConfig[] = [];
  for (const [name, value] of Object.entries(all)) {
    const environment = readEnvironment(name, value, context);
    if (environment !== undefined) environments.push(environment);
  }
  refuseSharedPorts(all, context);
  return environments;
}

function readEnvironment(name: string, raw: unknown, context: ReleaseContext): EnvironmentConfig | undefined {
  const base = ['environments', name];
  const nameOk = isEnvironmentName(name);
  if (!nameOk) {
    context.report(
      base,
      `environment name ${JSON.stringify(name)} is not allowed`,
      'use lowercase letters, digits and -, starting with a letter, at most 20 characters (staging, production)',
      true,
    );
  }
  const parsed = check(environmentSchema, raw, base, context.report);
  const fields = isRecord(raw) ? raw : {};
  const smoke = Array.isArray(fields.smoke)
    ? fields.smoke.map((test, i) => readSmokeTest(test, [...base, 'smoke', i], context.report))
    : [];
  const rollout = fields.rollout === undefined ? undefined : readRollout(fields.rollout, [...base, 'rollout'], context);
  if (parsed === undefined || !nameOk || smoke.some((test) => test === undefined)) return undefined;
  if (fields.rollout !== undefined && rollout === undefined) return undefined;
  const target = parsed.target ?? 'local';
  if (!reachable(name, parsed, target, smoke.length > 0 || rollout !== undefined, base, context.report))
    return undefined;
  return compact({
    name,
    target,
    host: parsed.host,
    port: parsed.port,
    url: parsed.url,
    namespace: parsed.namespace,
    replicas: parsed.replicas,
    resources: parsed.resources,
    smoke: smoke as SmokeTestConfig[],
    approval: parsed.approval ?? 'auto',
    rollout,
  });
}

function isEnvironmentName(name: string): boolean {
  try {
    checkEnvironmentName(name);
    return true;
  } catch {
    return false;
  }
}

/** A local environment needs a port; another one needs a url when release must talk to it. */
function reachable(
  name: string,
  fields: EnvironmentFields,
  target: string,
  talks: boolean,
  base: Path,
  report: Report,
): boolean {
  if (target === 'local' && fields.port === undefined) {
    report(base, `environment ${name} is local but has no port`, 'add port: 5101 (where its server listens)', true);
    return false;
  }
  if (target !== 'local' && talks && fields.url === undefined) {
    report(
      base,
      `environment ${name} (${target}) has smoke tests or a rollout but no url`,
      'add url: the endpoint slipway release can reach, e.g. url: https://wine.staging.example.com',
      true,
    );
    return false;
  }
  return true;
}

/** Two local environments on one port: checked on what was written, even in environments with other problems. */
function refuseSharedPorts(all: Readonly<Record<string, unknown>>, context: ReleaseContext): void {
  const first = new Map<number, string>();
  for (const [name, value] of Object.entries(all)) {
    if (!isRecord(value) || (value.target ?? 'local') !== 'local' || !Number.isInteger(value.port)) continue;
    const port = value.port as number;
    const other = first.get(port);
    if (other === undefined) {
      first.set(port, name);
      continue;
    }
    const line = context.at(['environments', other, 'port'])?.line;
    context.report(
      ['environments', name, 'port'],
      `port ${port} is also the port of ${other}${line === undefined ? '' : ` (line ${line})`}`,
      'give each local environment its own port',
    );
  }
}

function readSmokeTest(raw: unknown, base: Path, report: Report): SmokeTestConfig | undefined {
  const parsed = check(smokeTestSchema, raw, base, report);
  if (parsed === undefined) return undefined;
  try {
    parseScoringRequest(parsed.inputs);
  } catch (error) {
    report(
      [...base, 'inputs'],
      `inputs is not an /invocations body: ${(error as Error).message.replace(/\.$/, '')}`,
      `write a mapping with one of ${SCORING_FORMATS.join(', ')}, e.g. inputs: {dataframe_records: [{…}]}`,
    );
    return undefined;
  }
  return compact({
    inputs: parsed.inputs,
    expect: parsed.expect,
    tolerance: parsed.tolerance,
    schema: parsed.schema,
  });
}

function readRollout(raw: unknown, base: Path, context: ReleaseContext): RolloutConfig | undefined {
  const parsed = check(rolloutSchema, raw, base, context.report);
  if (parsed === undefined) return undefined;
  let ok = true;
  parsed.steps.forEach((step, i) => {
    const previous = parsed.steps[i - 1]?.weight;
    const at = [...base, 'steps', i, 'weight'];
    if (!(step.weight > 0 && step.weight < 100)) {
      context.report(
        at,
        `weight ${step.weight} is not between 0 and 100`,
        'write a percentage strictly inside (0, 100)',
      );
      ok = false;
    } else if (previous !== undefined && step.weight <= previous) {
      context.report(
        at,
        `weight ${step.weight} does not grow (the step before has ${previous})`,
        "make each step's weight larger than the one before, e.g. 10, 50",
      );
      ok = false;
    }
  });
  const rollback = parsed.rollback ?? {};
  if (parsed.rollback !== undefined && rollback.max_error_rate === undefined && rollback.max_p99_ms === undefined) {
    context.report([...base, 'rollback'], 'rollback has no condition', 'give it max_error_rate, max_p99_ms or both');
    ok = false;
  }
  if (!ok) return undefined;
  return {
    steps: parsed.steps.map((step) => ({ weight: step.weight, durationMs: step.duration })),
    intervalMs: parsed.interval ?? DEFAULT_ROLLOUT_INTERVAL_MS,
    rollback: compact({
      maxErrorRate: rollback.max_error_rate,
      maxP99Ms: rollback.max_p99_ms,
      minRequests: rollback.min_requests ?? 1,
    }),
  };
}
