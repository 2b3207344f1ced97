import type { Tensor } from '../../models/tensor/tensor.js';
import { tensorToJson } from '../../models/tensor/tensor.js';

/** One answered request, as logged (snake_case: the JSONL file and the control plane's API share it). */
export interface PredictionRecord {
  readonly kind: 'prediction';
  readonly request_id: string;
  /** ISO-8601 time the request arrived. */
  readonly time: string;
  readonly model: string;
  readonly version: string;
  /** Model inputs as nested JSON arrays, by input name (what the model saw, after validation). */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly latency_ms: number;
  /** True for a shadow version's answer, which the caller never saw. */
  readonly shadow: boolean;
}

/** Late ground truth for a logged request. */
export interface FeedbackRecord {
  readonly kind: 'feedback';
  readonly request_id: string;
  readonly time: string;
  readonly label: unknown;
}

export type PredictionLogEntry = PredictionRecord | FeedbackRecord;

/** Where log batches go: a local JSONL file, the control plane (`POST /api/v1/predictions`), a test array. */
export interface PredictionSink {
  write(entries: readonly PredictionLogEntry[]): Promise<void>;
  close(): Promise<void>;
}

export interface PredictionLogOptions {
  /** Fraction of predictions logged, in [0, 1]; feedback is always logged. Default 1. */
  readonly sampleRate: number;
  /** Flush at least this often (ms). */
  readonly flushIntervalMs: number;
  /** Flush as soon as this many entries wait. */
  readonly maxBuffered: number;
  /** Entries kept while the sink fails; beyond it the oldest are dropped (and counted). */
  readonly maxPending: number;
}

export const DEFAULT_PREDICTION_LOG: PredictionLogOptions = {
  sampleRate: 1,
  flushIntervalMs: 1000,
  maxBuffered: 1000,
  maxPending: 100_000,
};

/** A prediction as the request path hands it over: tensors, turned into JSON only when flushed. */
export interface PredictionEvent {
  readonly requestId: string;
  readonly startedAt: number;
  readonly model: string;
  readonly version: string;
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly outputs: Readonly<Record<string, Tensor>>;
  readonly latencyMs: number;
  readonly shadow: boolean;
}

type Pending = PredictionEvent | FeedbackRecord;

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** A tensor as nested JSON lists, as `tensorToJson` gives it, with a fast path for plain numeric vectors and matrices. */
function tensorJson(tensor: Tensor): unknown {
  const plain = tensor.data instanceof Float32Array || tensor.data instanceof Float64Array;
  const rank = tensor.shape.length;
  if (!plain || rank === 0 || rank > 2) return tensorToJson(tensor);
  const data = tensor.data as Float32Array | Float64Array;
  if (rank === 1) return Array.from(data, finite);
  const width = tensor.shape[1] ?? 0;
  return Array.from({ length: tensor.shape[0] ?? 0 }, (_, row) =>
    Array.from(data.subarray(row * width, (row + 1) * width), finite),
  );
}

const tensorsToJson = (tensors: Readonly<Record<string, Tensor>>) => {
  // Prototype-less: the model names its inputs and outputs, and one named __proto__ must stay a plain key.
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, tensor] of Object.entries(tensors)) out[name] = tensorJson(tensor);
  return out;
};

function toEntry(item: Pending): PredictionLogEntry {
  if ('kind' in item) return item;
  return {
    kind: 'prediction',
    request_id: item.requestId,
    time: new Date(item.startedAt).toISOString(),
    model: item.model,
    version: item.version,
    inputs: tensorsToJson(item.inputs),
    outputs: tensorsToJson(item.outputs),
    latency_ms: Math.round(item.latencyMs * 1000) / 1000,
    shadow: item.shadow,
  };
}

/**
 * The prediction log of a serving process: sampled, buffered in memory and written in batches off the request
 * path (tensors become JSON only at flush time). `close()` flushes what is left.
 */
export class PredictionLog {
  readonly #sink: PredictionSink;
  readonly #options: PredictionLogOptions;
  readonly #random: () => number;
  #buffer: Pending[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #dropped = 0;
  #closed = false;

  constructor(sink: PredictionSink, options: PredictionLogOptions = DEFAULT_PREDICTION_LOG, random = Math.random) {
    this.#sink = sink;
    this.#options = options;
    this.#random = random;
  }

  /** Entries dropped because the sink could not keep up. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records a prediction if sampled; returns whether it was. */
  record(event: PredictionEvent): boolean {
    if (this.#closed || !this.#sampled()) return false;
    this.#push(event);
    return true;
  }

  feedback(requestId: string, label: unknown): void {
    if (this.#closed) return;
    this.#push({ kind: 'feedback', request_id: requestId, time: new Date().toISOString(), label });
  }

  /** Writes everything buffered so far; resolves when the sink has it. */
  flush(): Promise<void> {
    this.#clearTimer();
    const batch = this.#buffer;
    this.#buffer = [];
    if (batch.length === 0) return this.#flushing;
    this.#flushing = this.#flushing.then(() => this.#write(batch));
    return this.#flushing;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    await this.#sink.close();
  }

  #sampled(): boolean {
    const rate = this.#options.sampleRate;
    return rate >= 1 || (rate > 0 && this.#random() < rate);
  }

  #push(item: Pending): void {
    this.#buffer.push(item);
    if (this.#buffer.length >= this.#options.maxBuffered) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushIntervalMs).unref();
  }

  async #write(batch: readonly Pending[]): Promise<void> {
    try {
      await this.#sink.write(batch.map(toEntry));
    } catch {
      // Keep the batch for the next flush, within bounds: the log never blocks or fails a prediction.
      const kept = [...batch, ...this.#buffer];
      const excess = Math.max(0, kept.length - this.#options.maxPending);
      this.#dropped += excess;
      this.#buffer = kept.slice(excess);
      if (!this.#closed) this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushIntervalMs).unref();
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
