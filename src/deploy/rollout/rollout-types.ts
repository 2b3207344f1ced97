import type { RolloutConfig } from '../../pipelines/release/release-config.js';
import type { DeploymentTarget } from '../deployments/deployment-types.js';
import type { DeploymentsClient } from '../deployments/deployments-client.js';
import type { Breach } from './judge-interval.js';
import type { WaitForRevision } from './wait-for-revision.js';

export interface RunRolloutInput {
  readonly client: DeploymentsClient;
  /** The registered model (the deployment's model). */
  readonly model: string;
  readonly environment: string;
  /** The registry version rolled out ("7"). */
  readonly candidate: string;
  readonly rollout: RolloutConfig;
  /** The serving process's base URL: its metrics are read from <url>/metrics, its revision from <url>/deployment. */
  readonly metricsUrl: string;
  /** Where the environment runs; needed only when the model is not deployed there yet (first deployment). */
  readonly target?: DeploymentTarget | undefined;
  /** The release doing the rollout: written on every revision. */
  readonly releaseId?: string | undefined;
  /** Resolves once the serving process applied a revision; default: polls GET <metricsUrl>/deployment. */
  readonly waitForRevision?: WaitForRevision | undefined;
  /** How long a revision may take to be applied by the default waiter (default 120 s). */
  readonly applyTimeoutMs?: number | undefined;
  readonly clock?: (() => number) | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Every step, interval and decision, in order (awaited: a release records them as they happen). */
  readonly onStep?: ((event: RolloutEvent) => void | Promise<void>) | undefined;
  /** Intervals in a row whose metrics cannot be read before the rollout rolls back (default 3). */
  readonly maxScrapeFailures?: number | undefined;
}

/** One version's figures over one evaluation interval. */
export interface IntervalFigures {
  readonly version: string;
  readonly requests: number;
  readonly failed: number;
  readonly errorRate?: number | undefined;
  readonly p99Ms?: number | undefined;
}

/** One evaluation interval of one step: what the candidate (and the previous version beside it) did. */
export interface IntervalReport {
  /** 1-based step and interval numbers. */
  readonly step: number;
  readonly interval: number;
  /** False when the candidate answered fewer than min_requests requests, or the metrics could not be read. */
  readonly judged: boolean;
  readonly candidate?: IntervalFigures | undefined;
  readonly previous?: IntervalFigures | undefined;
  readonly breaches: readonly Breach[];
  /** Why the metrics could not be read. */
  readonly error?: string | undefined;
  /** The serving process restarted during the interval (its counters began again at zero). */
  readonly restarted?: boolean | undefined;
}

export type RolloutEvent =
  /** No version served yet (or the candidate already serves everything): no canary, all traffic at once. */
  | {
      readonly kind: 'deployed';
      readonly candidate: string;
      readonly revision: number;
      readonly reason: string;
      readonly changed: boolean;
    }
  | {
      readonly kind: 'step-started';
      readonly step: number;
      readonly steps: number;
      readonly weight: number;
      readonly durationMs: number;
      readonly candidate: string;
      readonly previous: string;
      readonly revision: number;
      /** When the serving process applied it (ms since the epoch). */
      readonly appliedAt: number;
    }
  | { readonly kind: 'interval'; readonly report: IntervalReport }
  | {
      readonly kind: 'step-passed';
      readonly step: number;
      readonly weight: number;
      readonly intervals: readonly IntervalReport[];
    }
  | {
      readonly kind: 'rolled-back';
      readonly step: number;
      readonly weight: number;
      readonly candidate: string;
      readonly previous: string;
      readonly reason: string;
      readonly breaches: readonly Breach[];
      readonly revision: number;
      /** The serving process confirmed the rollback revision (false: it was written but not yet applied). */
      readonly applied: boolean;
      readonly applyError?: string | undefined;
      readonly intervals: readonly IntervalReport[];
    }
  | { readonly kind: 'promoted'; readonly candidate: string; readonly previous: string; readonly revision: number };

export interface RolloutResult {
  readonly outcome: 'promoted' | 'rolled_back';
  readonly candidate: string;
  /** The version the candidate replaced (undefined on a first deployment). */
  readonly previous: string | undefined;
  /** The deployment's revision when the rollout ended. */
  readonly revision: number;
  /** False when the canary was skipped (first deployment, or the candidate already served everything). */
  readonly canary: boolean;
  /** rolled_back: the measured values against the limits. */
  readonly reason?: string | undefined;
  readonly breaches?: readonly Breach[] | undefined;
  /** rolled_back: the interval that breached. */
  readonly measured?: IntervalReport | undefined;
}
