import { invalidParameter } from '../../domain/errors.js';
import type { GateConfig, MetricDirection } from './release-config.js';

/** The champion of a champion/challenger gate: the version at the alias, its source run, and that run's metrics. */
export interface ChampionMetrics {
  readonly alias: string;
  readonly version: string;
  readonly runId: string;
  readonly metrics: Readonly<Record<string, number>>;
}

/** The champion at an alias, or undefined when the alias points nowhere yet (the first release). */
export type ReadChampion = (alias: string) => Promise<ChampionMetrics | undefined>;

export interface GateResult {
  readonly gate: GateConfig;
  readonly passed: boolean;
  /** The direction the gate compared in (given, or from the metric's name). */
  readonly direction: MetricDirection;
  readonly candidate: number;
  /** The champion's value of the metric, for a better_than gate with a version at its alias. */
  readonly champion?: { readonly version: string; readonly runId: string; readonly value: number } | undefined;
  /** The bounds the candidate had to be within: min/max, tightened by the champion's value ± min_delta. */
  readonly threshold: { readonly min?: number | undefined; readonly max?: number | undefined };
  readonly message: string;
}

export interface GateVerdict {
  /** Every gate passed (true when there are no gates). */
  readonly passed: boolean;
  readonly results: readonly GateResult[];
}

export interface EvaluateGatesInput {
  readonly gates: readonly GateConfig[];
  /** The candidate's metrics: its run's (latest value of each) and the evaluation's `eval.<name>`. */
  readonly candidate: Readonly<Record<string, number>>;
  /** Names the candidate in messages, e.g. `run 3f2a…`. */
  readonly candidateLabel?: string | undefined;
  readonly champion: ReadChampion;
}

/** Words that make a metric lower-is-better when its name contains them (split at `.`, `_`, `-`, `/`, space). */
export const LOWER_IS_BETTER = [
  'rmse',
  'mse',
  'mae',
  'mape',
  'smape',
  'msle',
  'rmsle',
  'loss',
  'logloss',
  'error',
  'errors',
  'err',
  'latency',
  'perplexity',
  'wer',
  'cer',
  'brier',
  'ms',
  'seconds',
  'duration',
  'time',
] as const;

const LOWER_WORDS: ReadonlySet<string> = new Set(LOWER_IS_BETTER);

/** Lower-is-better when a word of the name is in LOWER_IS_BETTER (`val_loss`, `eval.rmse`, `p99_latency_ms`). */
export function defaultDirection(metric: string): MetricDirection {
  const words = metric.toLowerCase().split(/[^a-z0-9]+/);
  return words.some((word) => LOWER_WORDS.has(word)) ? 'lower' : 'higher';
}

/** Slack for comparing with a bound computed in floating point (0.6 + 0.01 is 0.6100000000000001). */
const SLACK = 1e-12;

/**
 * Checks the release gates of slipway.yaml against the candidate's metrics. A better_than gate reads the
 * champion at its alias (once per alias); with no version there yet (the first release) it passes on its
 * min/max alone and says so. A gate on a metric the candidate (or the champion) did not log is an
 * INVALID_PARAMETER_VALUE error naming every such metric and what the run did log.
 */
export async function evaluateGates(input: EvaluateGatesInput): Promise<GateVerdict> {
  const champions = await readChampions(input);
  refuseMissingMetrics(input, champions);
  const results = input.gates.map((gate) => judge(gate, input.candidate, champions.get(gate.betterThan ?? '')));
  return { passed: results.every((result) => result.passed), results };
}

async function readChampions(input: EvaluateGatesInput): Promise<Map<string, ChampionMetrics | undefined>> {
  const champions = new Map<string, ChampionMetrics | undefined>();
  for (const gate of input.gates) {
    if (gate.betterThan === undefined || champions.has(gate.betterThan)) continue;
    champions.set(gate.betterThan, await input.champion(gate.betterThan));
  }
  return champions;
}

function refuseMissingMetrics(input: EvaluateGatesInput, champions: ReadonlyMap<string, ChampionMetrics | undefined>) {
  const problems: string[] = [];
  const missing = input.gates.map((gate) => gate.metric).filter((metric) => !Object.hasOwn(input.candidate, metric));
  if (missing.length > 0) {
    problems.push(
      `The candidate${input.candidateLabel === undefined ? '' : ` (${input.candidateLabel})`} did not log ` +
        `${listed(missing)}; it logged ${loggedList(input.candidate)}.`,
    );
  }
  for (const [alias, champion] of champions) {
    if (champion === undefined) continue;
    const lacking = input.gates
      .filter((gate) => gate.betterThan === alias && !Object.hasOwn(champion.metrics, gate.metric))
      .map((gate) => gate.metric);
    if (lacking.length === 0) continue;
    problems.push(
      `The champion at alias ${alias} (version ${champion.version}, run ${champion.runId}) did not log ` +
        `${listed(lacking)}; it logged ${loggedList(champion.metrics)}.`,
    );
  }
  if (problems.length === 0) return;
  throw invalidParameter(`A release gate names a metric that was not logged. ${problems.join(' ')}`, {
    hint:
      'Gate on a metric the run logs (a metrics file of a stage, or eval.<name> from model.evaluation), ' +
      'or log it; fix model.gates in slipway.yaml.',
  });
}

const listed = (metrics: readonly string[]): string => [...new Set(metrics)].map((m) => JSON.stringify(m)).join(', ');

function loggedList(metrics: Readonly<Record<string, number>>): string {
  const names = Object.keys(metrics).sort();
  if (names.length === 0) return 'no metric at all';
  const shown = names.slice(0, 30).join(', ');
  return names.length > 30 ? `${shown} and ${names.length - 30} more` : shown;
}

function judge(
  gate: GateConfig,
  candidates: Readonly<Record<string, number>>,
  champion: ChampionMetrics | undefined,
): GateResult {
  const direction = gate.direction ?? defaultDirection(gate.metric);
  const candidate = candidates[gate.metric] as number;
  const against =
    gate.betterThan === undefined || champion === undefined
      ? undefined
      : { version: champion.version, runId: champion.runId, value: champion.metrics[gate.metric] as number };
  const bound = against === undefined ? undefined : championBound(against.value, gate.minDelta ?? 0, direction);
  const threshold = {
    min: tighter(gate.min, direction === 'higher' ? bound : undefined, Math.max),
    max: tighter(gate.max, direction === 'lower' ? bound : undefined, Math.min),
  };
  const passed = within(candidate, threshold);
  const message = describe(gate, { candidate, passed, direction, champion: against, bound });
  return {
    gate,
    passed,
    direction,
    candidate,
    ...(against === undefined ? {} : { champion: against }),
    threshold: Object.fromEntries(Object.entries(threshold).filter(([, v]) => v !== undefined)),
    message,
  };
}

const championBound = (value: number, delta: number, direction: MetricDirection): number =>
  direction === 'higher' ? value + delta : value - delta;

function tighter(a: number | undefined, b: number | undefined, pick: (x: number, y: number) => number) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return pick(a, b);
}

function within(value: number, threshold: { min?: number | undefined; max?: number | undefined }): boolean {
  if (Number.isNaN(value)) return false;
  const slack = (bound: number) => SLACK * Math.max(1, Math.abs(bound));
  if (threshold.min !== undefined && !(value >= threshold.min - slack(threshold.min))) return false;
  if (threshold.max !== undefined && !(value <= threshold.max + slack(threshold.max))) return false;
  return true;
}

interface Outcome {
  readonly candidate: number;
  readonly passed: boolean;
  readonly direction: MetricDirection;
  readonly champion: { readonly version: string; readonly value: number } | undefined;
  readonly bound: number | undefined;
}

/** `accuracy 0.62 passes: needs ≥ 0.55 (min) and ≥ 0.61 (production is version 3 with 0.6, + min_delta 0.01)`. */
function describe(gate: GateConfig, outcome: Outcome): string {
  const needs: string[] = [];
  if (gate.min !== undefined) needs.push(`≥ ${shown(gate.min)} (min)`);
  if (gate.max !== undefined) needs.push(`≤ ${shown(gate.max)} (max)`);
  const notes: string[] = [];
  if (gate.betterThan !== undefined && outcome.champion === undefined) {
    notes.push(`no version is at alias ${gate.betterThan} yet (first release): nothing to beat`);
  }
  if (gate.betterThan !== undefined && outcome.champion !== undefined && outcome.bound !== undefined) {
    const sign = outcome.direction === 'higher' ? '≥' : '≤';
    const delta = gate.minDelta ? `, ${outcome.direction === 'higher' ? '+' : '−'} min_delta ${gate.minDelta}` : '';
    needs.push(
      `${sign} ${shown(outcome.bound)} (${gate.betterThan} is version ${outcome.champion.version} with ` +
        `${shown(outcome.champion.value)}${delta}; ${outcome.direction} is better)`,
    );
  }
  const verdict = `${gate.metric} ${shown(outcome.candidate)} ${outcome.passed ? 'passes' : 'fails'}`;
  const parts = [...(needs.length > 0 ? [`needs ${needs.join(' and ')}`] : []), ...notes];
  return `${verdict}: ${parts.join('; ')}`;
}

/** A number for a message: NaN named, otherwise at most 10 significant digits. */
const shown = (value: number): string => (Number.isNaN(value) ? 'NaN' : String(Number(value.toPrecision(10))));
