import { SlipwayError, toSlipwayError } from '../domain/errors.js';
import type { Metric } from '../tracking/types.js';

export interface MetricBatcherOptions {
  /** Metrics per request; at most 1000 (MLflow's log-batch limit). Default 1000. */
  readonly maxBatch?: number;
  /** How long a metric may wait before it is sent, in ms. Default 1000. */
  readonly flushIntervalMs?: number;
}

const MAX_BATCH = 1000;

/**
 * Buffers metrics and sends them in order, one batch at a time, in the background: when `maxBatch` are waiting,
 * or `flushIntervalMs` after the first one arrived. `add` never waits on the network; a failed send is reported
 * by the next `add` or `flush` (once), and the metrics of the failed batch are lost.
 */
export class MetricBatcher {
  readonly #send: (metrics: readonly Metric[]) => Promise<void>;
  readonly #maxBatch: number;
  readonly #intervalMs: number;
  #queue: Metric[] = [];
  #sending: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #failure: SlipwayError | undefined;

  constructor(send: (metrics: readonly Metric[]) => Promise<void>, options: MetricBatcherOptions = {}) {
    this.#send = send;
    this.#maxBatch = Math.min(Math.max(1, options.maxBatch ?? MAX_BATCH), MAX_BATCH);
    this.#intervalMs = options.flushIntervalMs ?? 1000;
  }

  /** Queues a metric; throws the failure of an earlier background send, if there was one. */
  add(metric: Metric): void {
    this.#throwFailure();
    this.#queue.push(metric);
    if (this.#queue.length >= this.#maxBatch) this.#drain();
    else this.#timer ??= setTimeout(() => this.#drain(), this.#intervalMs).unref();
  }

  /** Sends everything queued and waits for it; throws the first failure not yet reported. */
  async flush(): Promise<void> {
    this.#drain();
    await this.#sending;
    this.#throwFailure();
  }

  get pending(): number {
    return this.#queue.length;
  }

  #drain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batches: Metric[][] = [];
    while (this.#queue.length > 0) batches.push(this.#queue.splice(0, this.#maxBatch));
    for (const batch of batches) this.#sending = this.#sending.then(() => this.#sendOne(batch));
  }

  async #sendOne(batch: readonly Metric[]): Promise<void> {
    try {
      await this.#send(batch);
    } catch (error) {
      const cause = toSlipwayError(error);
      this.#failure ??= new SlipwayError(cause.code, `Logging ${batch.length} metrics failed: ${cause.message}`, {
        cause,
        hint: cause.hint ?? 'Check the run and the tracking server; the metrics of this batch were not stored.',
      });
    }
  }

  #throwFailure(): void {
    const failure = this.#failure;
    if (failure === undefined) return;
    this.#failure = undefined;
    throw failure;
  }
}
