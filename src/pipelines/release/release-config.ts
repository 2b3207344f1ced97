import type { DeploymentTargetKind } from '../../deploy/deployments/deployment-types.js';

/**
 * The release sections of slipway.yaml (`model:` and `environments:`), as parsed and validated by
 * parse-pipeline.ts. Durations are milliseconds here (written as `30s`, `2m`, `500ms` or a number of seconds in YAML).
 *
 * ```yaml
 * model:
 *   name: wine-quality
 *   path: model                # the MLmodel folder the pipeline writes (an out of some stage)
 *   gates:
 *     - {metric: accuracy, min: 0.55}
 *     - {metric: rmse, max: 0.8}
 *     - {metric: accuracy, better_than: production, min_delta: 0.01, direction: higher}
 *     - {metric: eval.f1, better_than: production}
 *   evaluation:                # Slipway serves the candidate (and the champion) on this data: metrics eval.<name>
 *     data: data/eval.csv
 *     label: quality
 *     metrics: [accuracy, f1]
 * environments:
 *   staging:
 *     target: local
 *     port: 5101
 *     smoke:
 *       - inputs: {dataframe_records: [{fixed_acidity: 7.4, …}]}
 *         expect: {predictions: [{label: 5}]}   # keys not named here are not compared
 *         tolerance: 0.000001
 *       - inputs: {inputs: [[7.4, …]]}
 *         schema: true          # the answer has the shape the signature's outputs say
 *     approval: auto
 *   production:
 *     target: local
 *     port: 5102
 *     approval: manual
 *     rollout:
 *       steps: [{weight: 10, duration: 30s}, {weight: 50, duration: 1m}]
 *       interval: 5s
 *       rollback: {max_error_rate: 0.01, max_p99_ms: 250, min_requests: 20}
 * ```
 */
export interface ReleaseConfig {
  readonly model?: ModelReleaseConfig | undefined;
  /** In file order (the order `slipway release` walks: staging before production). */
  readonly environments: readonly EnvironmentConfig[];
}

export type MetricDirection = 'higher' | 'lower';

/** `min`/`max`: an absolute threshold. `betterThan`: champion/challenger against the version at that alias. */
export interface GateConfig {
  readonly metric: string;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly betterThan?: string | undefined;
  /** How much better than the champion the candidate must be (default 0: at least as good). */
  readonly minDelta?: number | undefined;
  /** Default: from the metric's name (rmse, mae, loss, error… are lower-is-better), else higher. */
  readonly direction?: MetricDirection | undefined;
}

export const EVALUATION_METRICS = ['accuracy', 'f1', 'precision', 'recall', 'rmse', 'mae', 'r2'] as const;
export type EvaluationMetric = (typeof EVALUATION_METRICS)[number];
/** The evaluation's metrics are named eval.<metric> among the candidate's metrics (and in gates). */
export const EVALUATION_PREFIX = 'eval.';

export interface EvaluationConfig {
  /** A CSV file (relative to slipway.yaml) with the model's input columns and the label column. */
  readonly data: string;
  readonly label: string;
  readonly metrics: readonly EvaluationMetric[];
}

export interface ModelReleaseConfig {
  readonly name: string;
  /** The MLmodel folder, relative to slipway.yaml. */
  readonly path: string;
  readonly gates: readonly GateConfig[];
  readonly evaluation?: EvaluationConfig | undefined;
}

export interface SmokeTestConfig {
  /** The /invocations body (the MLflow scoring protocol). */
  readonly inputs: unknown;
  /**
   * The expected answer body, compared deeply: numbers within `tolerance` (default 1e-6, absolute or relative),
   * lists item by item, and only the keys a mapping names (`{predictions: [{label: 5}]}` checks the label alone).
   */
  readonly expect?: unknown;
  readonly tolerance?: number | undefined;
  /** Check the answer against the signature's outputs (row count, columns, types). */
  readonly schema?: boolean | undefined;
}

export interface RollbackConditions {
  /** Roll back when the candidate's share of failed requests (5xx) in an interval exceeds this fraction. */
  readonly maxErrorRate?: number | undefined;
  /** …or its p99 latency in an interval exceeds this many milliseconds. */
  readonly maxP99Ms?: number | undefined;
  /** Judge an interval only once the candidate has answered this many requests in it (default 1). */
  readonly minRequests?: number | undefined;
}

export interface RolloutStep {
  /** The candidate's share of traffic, in percent (0 < weight < 100). */
  readonly weight: number;
  readonly durationMs: number;
}

export interface RolloutConfig {
  readonly steps: readonly RolloutStep[];
  /** How often the rollback conditions are evaluated (default 5 s). */
  readonly intervalMs: number;
  readonly rollback: RollbackConditions;
}

export interface EnvironmentConfig {
  readonly name: string;
  readonly target: DeploymentTargetKind;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  /** An endpoint reachable from where `slipway release` runs (docker/kubernetes targets). */
  readonly url?: string | undefined;
  /** kubernetes: the namespace (default: the context's). */
  readonly namespace?: string | undefined;
  readonly replicas?: number | undefined;
  readonly resources?: { readonly cpu?: string | undefined; readonly memory?: string | undefined } | undefined;
  readonly smoke: readonly SmokeTestConfig[];
  readonly approval: 'auto' | 'manual';
  /** Without a rollout the new version takes all traffic at once (after its smoke tests). */
  readonly rollout?: RolloutConfig | undefined;
}
