import type { ReleaseConfig } from './release/release-config.js';
import type { Position } from './yaml-source.js';

/** Keys of a params file a stage reads (dotted), or the whole file. Paths are workspace-relative. */
export interface ParamsRef {
  readonly file: string;
  readonly keys: readonly string[] | 'all';
}

/** One stage after foreach/matrix expansion, every path workspace-relative (`/`-separated). */
export interface Stage {
  /** `train`, or `train@small` for a templated stage. */
  readonly name: string;
  /** A string is a shell line (run by /bin/sh); a list is argv (spawned without a shell). */
  readonly cmd: string | readonly string[];
  /** Where the command runs, workspace-relative; `''` is the workspace root. */
  readonly wdir: string;
  readonly deps: readonly string[];
  readonly params: readonly ParamsRef[];
  /** Outputs stored in the cache with a `.slip` pointer beside them, as `slipway add` does. */
  readonly outs: readonly string[];
  /** Metric files (JSON or YAML), kept in git; their content is also saved in the cache for the run cache. */
  readonly metrics: readonly string[];
  readonly plots: readonly string[];
  readonly frozen: boolean;
  readonly alwaysChanged: boolean;
  readonly desc?: string | undefined;
  /** Where slipway.yaml defines it. */
  readonly at: Position | undefined;
}

export interface Pipeline {
  /** The experiment the runs are tracked in (default: the workspace folder's name). */
  readonly experiment: string | undefined;
  /** In file order. */
  readonly stages: readonly Stage[];
  /** The `model:` and `environments:` sections, for `slipway release`; undefined when the file has neither. */
  readonly release?: ReleaseConfig | undefined;
}

/** Everything a stage writes: outs, metrics and plots. */
export const outputsOf = (stage: Stage): string[] => [...stage.outs, ...stage.metrics, ...stage.plots];
