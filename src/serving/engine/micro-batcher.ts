import { SlipwayError } from '../../domain/errors.js';
import {
  allocateTensorData,
  type Feeds,
  rowCount,
  type Tensor,
  type TensorDataByDtype,
  type TensorDtype,
} from '../../models/tensor/tensor.js';

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
  readonly queuedAt: number;
  readonly resolve: (outputs: Outputs) => void;
  readonly reject: (error: unknown) => void;
}

const overloaded = (why: string) =>
  new SlipwayError('TEMPORARILY_UNAVAILABLE', `The model is overloaded: ${why}.`, {
    hint: 'Retry after the delay in the Retry-After header, or add replicas.',
  });

/** Whether two requests can share an inference call: the same inputs, each of the same dtype and trailing dimensions. */
function sameLayout(a: Feeds, b: Feeds): boolean {
  if (a === b) return true;
  let inputs = 0;
  for (const name in a) {
    const x = a[name] as Tensor;
    const y = b[name];
    if (y === undefined || x.dtype !== y.dtype || x.shape.length !== y.shape.length) return false;
    for (let d = 1; d < x.shape.length; d++) if (x.shape[d] !== y.shape[d]) return false;
    inputs += 1;
  }
  for (const _ in b) inputs -= 1;
  return inputs === 0;
}

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
  #queue: Job[] = [];
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
    // Batching off, or idle: run now, alone (no latency added at low load), both by the same code, so an idle
    // batcher costs what no batching costs. Busy: queue for the next call, with the others.
    const idle = this.#running === 0 && this.#queue.length === 0 && this.#options.maxDelayMs === 0;
    if (!this.#options.enabled || idle) return this.#runNow(feeds);
    const rows = rowsOf(feeds);
    if (this.#queuedRows > 0 && this.#queuedRows + rows > this.#options.maxQueueRows) {
      return Promise.reject(overloaded(`more than ${this.#options.maxQueueRows} rows are waiting`));
    }
    return new Promise<Outputs>((resolve, reject) => {
      this.#queue.push({ feeds, rows, queuedAt: performance.now(), resolve, reject });
      this.#queuedRows += rows;
      this.#schedule();
    });
  }

  /** Resolves once nothing is queued or running (new submissions are the caller's to stop first). */
  drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** One inference call for `feeds` alone, counted as running until it settles (one promise step, no more). */
  #runNow(feeds: Feeds): Promise<Outputs> {
    this.#running += 1;
    let call: Promise<Outputs>;
    try {
      this.#onBatch(rowsOf(feeds));
      call = this.#run(feeds);
    } catch (error) {
      call = Promise.reject(error);
    }
    return call.then(
      (outputs) => {
        this.#finished();
        return outputs;
      },
      (error: unknown) => {
        this.#finished();
        throw error;
      },
    );
  }

  #finished(): void {
    this.#running -= 1;
    this.#schedule();
    this.#settleIdle();
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
    const queue = this.#queue;
    const first = queue[0];
    if (first === undefined) return [];
    const max = this.#options.maxBatchRows;
    const batch: Job[] = [first];
    const left: Job[] = [];
    let rows = first.rows;
    let i = 1;
    for (; i < queue.length && rows < max; i++) {
      const job = queue[i] as Job;
      if (rows + job.rows <= max && sameLayout(job.feeds, first.feeds)) {
        batch.push(job);
        rows += job.rows;
      } else left.push(job);
    }
    // One pass, not a splice per job: the queue keeps the jobs not taken, in order.
    this.#queue = i === queue.length ? left : left.concat(queue.slice(i));
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
      let total = 0;
      for (const job of batch) total += job.rows;
      const outputs = await this.#runAlone(concatFeeds(batch, total));
      const parts = splitOutputs(outputs, batch, total);
      return () => {
        for (let i = 0; i < batch.length; i++) (batch[i] as Job).resolve(parts[i] as Outputs);
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

  #settleIdle(): void {
    if (this.pending > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function rowsOf(feeds: Feeds): number {
  for (const name in feeds) return rowCount(feeds[name] as Tensor);
  return 0;
}

/** Elements in one row of a tensor (the product of its trailing dimensions). */
function rowWidth(shape: readonly number[]): number {
  let width = 1;
  for (let d = 1; d < shape.length; d++) width *= shape[d] as number;
  return width;
}

/** The jobs' inputs stacked row-wise (their layouts were checked alike when they were taken). */
function concatFeeds(batch: readonly Job[], total: number): Feeds {
  const first = (batch[0] as Job).feeds;
  const feeds: Record<string, Tensor> = {};
  for (const name in first) {
    const head = first[name] as Tensor;
    const data = allocateTensorData(head.dtype, total * rowWidth(head.shape));
    let offset = 0;
    for (const job of batch) {
      const part = (job.feeds[name] as Tensor).data;
      copyInto(data, part, offset);
      offset += part.length;
    }
    feeds[name] = { dtype: head.dtype, shape: [total, ...head.shape.slice(1)], data };
  }
  return feeds;
}

function copyInto(target: TensorDataByDtype[TensorDtype], source: TensorDataByDtype[TensorDtype], offset: number) {
  if (Array.isArray(target)) {
    for (let i = 0; i < source.length; i++) target[offset + i] = (source as string[])[i] as string;
    return;
  }
  (target as Float64Array).set(source as Float64Array, offset);
}

/**
 * Each job's rows of every output; throws (so the jobs run alone) when an output is not row-aligned. Numeric
 * rows are views of the batch's output (no copy); string rows are copied.
 */
function splitOutputs(outputs: Outputs, batch: readonly Job[], total: number): Outputs[] {
  const parts: Record<string, Tensor>[] = batch.map(() => ({}));
  for (const name in outputs) {
    const tensor = outputs[name] as Tensor;
    if (tensor.shape[0] !== total) throw new RangeError(`output ${name} is not one row per input row`);
    const width = rowWidth(tensor.shape);
    const tail = tensor.shape.slice(1);
    const data = tensor.data;
    let start = 0;
    for (let i = 0; i < batch.length; i++) {
      const rows = (batch[i] as Job).rows;
      const from = start * width;
      const to = (start + rows) * width;
      const slice = Array.isArray(data) ? data.slice(from, to) : data.subarray(from, to);
      (parts[i] as Record<string, Tensor>)[name] = {
        dtype: tensor.dtype,
        shape: [rows, ...tail],
        data: slice as TensorDataByDtype[TensorDtype],
      };
      start += rows;
    }
  }
  return parts;
}
