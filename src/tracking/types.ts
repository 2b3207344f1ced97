import type { MetadataStore } from '../storage/metadata/open-metadata.js';
import type { LifecycleStage } from '../storage/metadata/schema.js';

export type { LifecycleStage } from '../storage/metadata/schema.js';

/** What every tracking use case needs: the metadata store, and a clock (defaults to Date.now; tests may pin it). */
export interface TrackingDeps {
  readonly metadata: Pick<MetadataStore, 'db' | 'selectArrays'>;
  readonly now?: () => number;
}

/** MLflow's RunStatus, in proto order. */
export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export type Param = Tag;

/** One metric point. `value` may be NaN or ±Infinity; timestamp is ms since the epoch. */
export interface Metric {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

/** Experiment ids are strings of decimal integers, as MLflow's ("0" is the default experiment). */
export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: LifecycleStage;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  readonly tags: readonly Tag[];
}

export interface RunInfo {
  /** 32 lower-case hex characters; MLflow calls it both run_id and run_uuid. */
  readonly runId: string;
  readonly runName: string;
  readonly experimentId: string;
  readonly userId: string;
  readonly status: RunStatus;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly artifactUri: string;
  readonly lifecycleStage: LifecycleStage;
}

export interface Dataset {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema?: string | undefined;
  readonly profile?: string | undefined;
}

export interface DatasetInput {
  readonly tags: readonly Tag[];
  readonly dataset: Dataset;
}

export interface RunData {
  /** The latest point of each metric. */
  readonly metrics: readonly Metric[];
  readonly params: readonly Param[];
  readonly tags: readonly Tag[];
}

export interface Run {
  readonly info: RunInfo;
  readonly data: RunData;
  readonly inputs: { readonly datasetInputs: readonly DatasetInput[] };
}

/** A page of a listing; `nextPageToken` is set when there is more. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string | undefined;
}
