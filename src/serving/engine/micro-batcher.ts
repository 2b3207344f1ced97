import { SlipwayError } from '../../domain/errors.js';
import { concatRows, type Feeds, rowCount, sliceRows, type Tensor } from '../../models/tensor/tensor.js';

export type Outputs = Record<string, Tensor>;
export type RunBatch = (feeds: Feeds) => Promise<Outputs>;

/** How requests for one model version are coalesced into inference calls. */
export interface BatchingOptions {
  /** Off: every request is its own inference call. */
  readonly enabled: boolean;
  /** Rows in one inference call (a single larger request still runs alone). */
  readonly maxBatchRows: number;
  /**
   * How long an idle batcher waits for company before running a lone request; 0 (the default) runs it at once,
   * so batching never adds latency at low load: requests batch only while an inference call is running.
   */
  readonly maxDelayMs: number;
  /** Rows waiting beyond this are refused with 503 (TEMPORARILY_UNAVAILABLE) instead of queueing without end. */
  readonly maxQueueRows: number;
  /** A request that waited this long for its turn gets 503 instead of running late. */
  readonly queueTimeoutMs: number;
}

export const DEFAULT_BATCHING: BatchingOptions = {
  enabled: true,
  maxBatchRows: 256,
  maxDelayMs: 0,
  maxQueueRows: 100_000,
  queueTimeoutMs: 5_000,
};

interface Job {
  readonly feeds: Feeds;
  readonly rows: number;
  /** Requests batch together only when every input has the same dtype and trailing dimensions. */
  readonly key: string;
  readonly queuedAt: number;
  readonly resolve: (outputs: Outputs) => void;
  readonly reject: (error: unknown) => void;
}

const overloaded = (why: string) =>
  new SlipwayError('TEMPORARILY_UNAVAILABLE', `The model is overloaded: ${why}.`, {
    hint: 'Retry after the delay in the Retry-After header, or add replicas.',
  });

const keyOf = (feeds: Feeds): string =>
  Object.entries(feeds)
    .map(([name, t]) => `${name}\u0000${t.dtype}\u0000${t.shape.slice(1).join(',')}`)
    .join('\u0001');

/**
 * Adaptive micro-batching for one model version: requests that arrive while an inference call runs (or within
 * the same turn of the event loop) are concatenated row-wise into the next call, up to `maxBatchRows`, and each
 * caller gets exactly its own rows of every output back. An idle batcher runs a request at once. One call runs at
 * a time: onnxruntime-node computes on the calling thread, so concurrent calls would only queue inside it.
 */
export class MicroBatcher {
  readonly #run: RunBatch;
  readonly #options: BatchingOptions;
  readonly #onBatch: (rows: number) => void;
  readonly #queue: Job[] = [];
  #queuedRows = 0;
  #running = 0;
  #scheduled = false;
  #idleWaiters: (() => void)[] = [];

  constructor(run: RunBatch, options: BatchingOptions = DEFAULT_BATCHING, onBatch: (rows: number) => void = () => {}) {
    this.#run = run;
    this.#options = options;
    this.#onBatch = onBatch;
  }

  /** Rows waiting and calls running: what a drain waits for. */
  get pending(): number {
    return this.#queue.length + this.#running;
  }

  /** Runs `feeds` in some inference call and resolves with this request's rows of every output. */
  submit(feeds: Feeds): Promise<Outputs> {
    if (!this.#options.enabled) return this.#track(() => this.#runAlone(feeds));
    // Idle: run now, alone (no latency added at low load). Busy: queue for the next call, with the others.
    if (this.#running === 0 && this.#queue.length === 0 && this.#options.maxDelayMs === 0) return this.#runNow(feeds);
    const rows = rowsOf(feeds);
    if (this.#queuedRows > 0 && this.#queuedRows + rows > this.#options.maxQueueRows) {
      return Promise.reject(overloaded(`more than ${this.#options.maxQueueRows} rows are waiting`));
    }
    return new Promise<Outputs>((resolve, reject) => {
      this.#queue.push({ feeds, rows, key: keyOf(feeds), queuedAt: performance.now(), resolve, reject });
      this.#queuedRows += rows;
      this.#schedule();
    });
  }

  /** Resolves once nothing is queued or running (new submissions are the caller's to stop first). */
  drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #runNow(feeds: Feeds): Promise<Outputs> {
    this.#running += 1;
    return this.#runAlone(feeds).finally(() => {
      this.#running -= 1;
      this.#schedule();
      this.#settleIdle();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#running > 0 || this.#queue.length === 0) return;
    this.#scheduled = true;
    const delay = this.#queuedRows >= this.#options.maxBatchRows ? 0 : this.#options.maxDelayMs;
    const go = () => {
      this.#scheduled = false;
      this.#dispatch();
    };
    if (delay > 0) setTimeout(go, delay);
    else setImmediate(go);
  }

  #dispatch(): void {
    const batch = this.#take();
    if (batch.length === 0) {
      this.#settleIdle();
      return;
    }
    this.#running += 1;
    void this.#runBatch(batch).then((settle) => {
      // Free the slot before answering, so a caller that submits again at once is dispatched at once.
      this.#running -= 1;
      settle();
      this.#schedule();
      this.#settleIdle();
    });
  }

  /** The oldest request and every later compatible one that fits, in arrival order; stale requests get 503. */
  #take(): Job[] {
    this.#expire();
    const first = this.#queue[0];
    if (first === undefined) return [];
    const batch: Job[] = [];
    let rows = 0;
    for (let i = 0; i < this.#queue.length; ) {
      const job = this.#queue[i] as Job;
      const fits = batch.length === 0 || rows + job.rows <= this.#options.maxBatchRows;
      if (job.key === first.key && fits) {
        batch.push(job);
        rows += job.rows;
        this.#queue.splice(i, 1);
      } else i += 1;
      if (rows >= this.#options.maxBatchRows) break;
    }
    this.#queuedRows -= rows;
    return batch;
  }

  #expire(): void {
    const limit = performance.now() - this.#options.queueTimeoutMs;
    while (this.#queue[0] !== undefined && this.#queue[0].queuedAt < limit) {
      const job = this.#queue.shift() as Job;
      this.#queuedRows -= job.rows;
      job.reject(overloaded(`the request waited more than ${this.#options.queueTimeoutMs} ms for its turn`));
    }
  }

  /** Runs a batch; resolves with a function that answers its callers (never rejects). */
  async #runBatch(batch: readonly Job[]): Promise<() => void> {
    const [only] = batch;
    if (batch.length === 1 && only !== undefined) return this.#settleAlone(only);
    try {
      const total = batch.reduce((sum, job) => sum + job.rows, 0);
      const outputs = await this.#runAlone(concatFeeds(batch.map((job) => job.feeds)));
      const parts = splitOutputs(outputs, batch, total);
      return () => {
        batch.forEach((job, i) => {
          job.resolve(parts[i] as Outputs);
        });
      };
    } catch {
      // One bad request must not fail its neighbours: run each alone, so only the culprit fails.
      const settlements: (() => void)[] = [];
      for (const job of batch) settlements.push(await this.#settleAlone(job));
      return () => {
        for (const settle of settlements) settle();
      };
    }
  }

  async #settleAlone(job: Job): Promise<() => void> {
    try {
      const outputs = await this.#runAlone(job.feeds);
      return () => job.resolve(outputs);
    } catch (error) {
      return () => job.reject(error);
    }
  }

  async #runAlone(feeds: Feeds): Promise<Outputs> {
    this.#onBatch(rowsOf(feeds));
    return this.#run(feeds);
  }

  async #track<T>(work: () => Promise<T>): Promise<T> {
    this.#running += 1;
    try {
      return await work();
    } finally {
      this.#running -= 1;
      this.#settleIdle();
    }
  }

  #settleIdle(): void {
    if (this.pending > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function rowsOf(feeds: Feeds): number {
  const first = Object.values(feeds)[0];
  return first === undefined ? 0 : rowCount(first);
}

function concatFeeds(all: readonly Feeds[]): Feeds {
  const first = all[0] ?? {};
  return Object.fromEntries(Object.keys(first).map((name) => [name, concatRows(all.map((f) => f[name] as Tensor))]));
}

/** Each job's rows of every output; throws (so the jobs run alone) when an output is not row-aligned. */
function splitOutputs(outputs: Outputs, batch: readonly Job[], total: number): Outputs[] {
  const parts: Outputs[] = batch.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.shape[0] !== total) throw new RangeError(`output ${name} is not one row per input row`);
    let start = 0;
    batch.forEach((job, i) => {
      (parts[i] as Outputs)[name] = sliceRows(tensor, start, start + job.rows);
      start += job.rows;
    });
  }
  return parts;
}
