import { SlipwayError } from '../../domain/errors.js';
import type { RollbackConditions, RolloutStep } from '../../pipelines/release/release-config.js';
import type { DeploymentsClient } from '../deployments/deployments-client.js';
import { findInterval, intervalStats, type VersionInterval } from './interval-stats.js';
import { type Breach, describeBreaches, judgeInterval } from './judge-interval.js';
import { readServingMetrics, type ServingMetricsSnapshot } from './read-serving-metrics.js';
import type { IntervalFigures, IntervalReport, RolloutEvent } from './rollout-types.js';

export interface WatchStepInput {
  readonly client: DeploymentsClient;
  readonly model: string;
  /** The model's name in the serving process's metric labels. */
  readonly metricsModel: string;
  readonly environment: string;
  readonly candidate: string;
  readonly previous: string;
  readonly metricsUrl: string;
  readonly conditions: RollbackConditions;
  readonly intervalMs: number;
  readonly maxScrapeFailures: number;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly emit: (event: RolloutEvent) => Promise<void>;
}

export type StepVerdict =
  | { readonly kind: 'passed'; readonly intervals: readonly IntervalReport[] }
  | {
      readonly kind: 'breached';
      readonly reason: string;
      readonly breaches: readonly Breach[];
      readonly measured: IntervalReport;
      readonly intervals: readonly IntervalReport[];
    };

/**
 * Watches one rollout step: every interval for the step's duration, reads the serving metrics and judges the
 * candidate's interval against the rollback conditions. Returns at the first breach (the caller rolls back at
 * once, so a breach is acted on within the interval it was measured in), or when the step passed. A deployment
 * changed by someone else meanwhile stops the watch with RESOURCE_CONFLICT.
 */
export async function watchRolloutStep(
  input: WatchStepInput,
  step: { readonly number: number; readonly config: RolloutStep; readonly revision: number },
): Promise<StepVerdict> {
  const intervals: IntervalReport[] = [];
  let baseline = await scrape(input);
  let failures = 0;
  const start = input.clock();
  const count = Math.max(1, Math.ceil(step.config.durationMs / input.intervalMs));
  for (let n = 1; n <= count; n++) {
    await input.sleep(Math.max(0, start + n * input.intervalMs - input.clock()));
    await checkUnchanged(input, step.revision);
    const next = await scrape(input);
    const report = judge(input, step.number, n, baseline, next);
    intervals.push(report);
    await input.emit({ kind: 'interval', report });
    if (report.breaches.length > 0 && report.candidate !== undefined) {
      const reason = describeBreaches(report.candidate, report.breaches);
      return { kind: 'breached', reason, breaches: report.breaches, measured: report, intervals };
    }
    failures = next instanceof Error ? failures + 1 : 0;
    if (failures >= input.maxScrapeFailures) {
      const reason = `the serving metrics could not be read for ${failures} intervals in a row (${(next as Error).message.slice(0, 300).replace(/\.$/, '')})`;
      return { kind: 'breached', reason, breaches: [], measured: report, intervals };
    }
    if (!(next instanceof Error)) baseline = next;
  }
  return { kind: 'passed', intervals };
}

async function scrape(input: WatchStepInput): Promise<ServingMetricsSnapshot | Error> {
  try {
    return await readServingMetrics(input.metricsUrl, { clock: input.clock });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function judge(
  input: WatchStepInput,
  step: number,
  interval: number,
  before: ServingMetricsSnapshot | Error,
  after: ServingMetricsSnapshot | Error,
): IntervalReport {
  if (before instanceof Error || after instanceof Error) {
    const error = after instanceof Error ? after : (before as Error);
    return { step, interval, judged: false, breaches: [], error: error.message.slice(0, 500) };
  }
  const stats = intervalStats(before, after);
  const candidate = findInterval(stats, input.metricsModel, input.candidate);
  const previous = findInterval(stats, input.metricsModel, input.previous);
  const { judged, breaches } = judgeInterval(candidate, input.conditions);
  return {
    step,
    interval,
    judged,
    candidate: figures(candidate),
    previous: figures(previous),
    breaches,
    ...(candidate.restarted || previous.restarted ? { restarted: true } : {}),
  };
}

/** Someone else changed the deployment (a manual rollback, another release): stop without touching it. */
async function checkUnchanged(input: WatchStepInput, revision: number): Promise<void> {
  const now = await input.client.getDeployment(input.model, input.environment);
  if (now?.revision === revision) return;
  const what = now === undefined ? 'was deleted' : `moved to revision ${now.revision} (${now.action} by ${now.actor})`;
  throw new SlipwayError(
    'RESOURCE_CONFLICT',
    `The deployment ${input.model}/${input.environment} ${what} during the rollout of version ${input.candidate}; the rollout stopped without changing it.`,
    { hint: 'See the deployment history; start the release again once the deployment is where you want it.' },
  );
}

function figures(interval: VersionInterval): IntervalFigures {
  return {
    version: interval.version,
    requests: interval.requests,
    failed: interval.failed,
    ...(interval.errorRate === undefined ? {} : { errorRate: interval.errorRate }),
    ...(interval.p99Ms === undefined ? {} : { p99Ms: Math.round(interval.p99Ms * 1000) / 1000 }),
  };
}
