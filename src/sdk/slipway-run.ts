import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { SlipwayError } from '../domain/errors.js';
import { TRACKING_LIMITS } from '../tracking/limits.js';
import type { TrackingClient } from '../tracking/tracking-client.js';
import type { Run, RunInfo, RunStatus, Tag } from '../tracking/types.js';
import { MetricBatcher, type MetricBatcherOptions } from './metric-batcher.js';

export interface MetricOptions {
  readonly step?: number;
  /** Milliseconds since the epoch; default now. */
  readonly timestamp?: number;
}

/** A dataset the run read; `context` becomes the `mlflow.data.context` input tag (`training`, `eval`, …). */
export interface DatasetLog {
  readonly name: string;
  /** Short content digest (at most 36 characters, as MLflow's). */
  readonly digest: string;
  readonly source: string;
  readonly sourceType?: string;
  readonly schema?: string;
  readonly profile?: string;
  readonly context?: string;
}

type Entries = Readonly<Record<string, string | number | boolean>>;

const entries = (values: Entries): Tag[] =>
  Object.entries(values).map(([key, value]) => ({ key, value: String(value) }));

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Every file under a local path (itself when it is a file), with its path relative to that folder. */
async function localFiles(localPath: string): Promise<{ file: string; relativePath: string }[]> {
  if (!(await stat(localPath)).isDirectory()) return [{ file: localPath, relativePath: basename(localPath) }];
  const found = await readdir(localPath, { recursive: true, withFileTypes: true });
  return found
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .map((file) => ({ file, relativePath: [basename(localPath), ...relative(localPath, file).split(sep)].join('/') }));
}

/**
 * A run in progress. Metrics are buffered and sent in the background in batches (see MetricBatcher); params,
 * tags, inputs and artifacts are written before the call returns. end() flushes and closes the run.
 */
export class SlipwayRun {
  readonly info: RunInfo;
  /** A run this process did not start (`slipway runs start` did): left open at exit, its status set by its owner. */
  readonly adopted: boolean;
  readonly #client: TrackingClient;
  readonly #metrics: MetricBatcher;
  #ended = false;

  constructor(
    client: TrackingClient,
    run: Run,
    options: MetricBatcherOptions = {},
    ownership: { readonly adopted?: boolean } = {},
  ) {
    this.#client = client;
    this.info = run.info;
    this.adopted = ownership.adopted ?? false;
    this.#metrics = new MetricBatcher((metrics) => client.logBatch({ runId: this.id, metrics }), options);
  }

  get id(): string {
    return this.info.runId;
  }

  get ended(): boolean {
    return this.#ended;
  }

  async logParams(params: Entries): Promise<void> {
    this.#checkOpen();
    for (const batch of chunks(entries(params), TRACKING_LIMITS.maxParamsPerBatch)) {
      await this.#client.logBatch({ runId: this.id, params: batch });
    }
  }

  async setTags(tags: Entries): Promise<void> {
    this.#checkOpen();
    for (const batch of chunks(entries(tags), TRACKING_LIMITS.maxTagsPerBatch)) {
      await this.#client.logBatch({ runId: this.id, tags: batch });
    }
  }

  /** Queues one point; returns at once. Throws when an earlier background batch failed. */
  logMetric(key: string, value: number, options: MetricOptions = {}): void {
    this.#checkOpen();
    this.#metrics.add({ key, value, step: options.step ?? 0, timestamp: options.timestamp ?? Date.now() });
  }

  logMetrics(values: Readonly<Record<string, number>>, options: MetricOptions = {}): void {
    const timestamp = options.timestamp ?? Date.now();
    for (const [key, value] of Object.entries(values)) this.logMetric(key, value, { ...options, timestamp });
  }

  /** Sends the queued metrics now and waits for them. */
  flush(): Promise<void> {
    return this.#metrics.flush();
  }

  /** Uploads a file (or every file of a folder) under `artifactPath` (default: the run's artifact root). */
  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    this.#checkOpen();
    for (const { file, relativePath } of await localFiles(localPath)) {
      const path = artifactPath ? `${artifactPath.replace(/\/+$/, '')}/${relativePath}` : relativePath;
      const { size } = await stat(file);
      await this.#client.putArtifact({ artifactUri: this.info.artifactUri, path, body: createReadStream(file), size });
    }
  }

  async logInput(dataset: DatasetLog): Promise<void> {
    this.#checkOpen();
    const { context, sourceType, ...fields } = dataset;
    const tags = context === undefined ? [] : [{ key: 'mlflow.data.context', value: context }];
    await this.#client.logInputs({
      runId: this.id,
      datasets: [{ tags, dataset: { ...fields, sourceType: sourceType ?? 'local' } }],
    });
  }

  /** Flushes the metrics, then sets the end time and status (default FINISHED). A second call does nothing. */
  async end(options: { readonly status?: RunStatus } = {}): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    try {
      await this.#metrics.flush();
    } finally {
      await this.#client.updateRun({ runId: this.id, status: options.status ?? 'FINISHED', endTime: Date.now() });
    }
  }

  /** Flushes the metrics and stops logging, leaving the run's status and end time to whoever owns it. */
  async release(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#metrics.flush();
  }

  #checkOpen(): void {
    if (!this.#ended) return;
    throw new SlipwayError('INVALID_STATE', `Run ${this.id} has ended; nothing more can be logged to it.`, {
      hint: 'Start a new run with slipway.startRun().',
    });
  }
}
