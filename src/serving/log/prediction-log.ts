import { type CapturedPrediction, PredictionCapture, type PredictionEvent } from './captured-prediction.js';
import { capturedJson, eventEntry } from './prediction-json.js';

export type { PredictionEvent } from './captured-prediction.js';

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
  /**
   * Optional, and preferred when present: the same entries as JSON texts, each exactly what `JSON.stringify`
   * gives for the entry. The log writes them straight from the numbers it buffered, without building the entry
   * objects first (sinks that write JSON anyway: the JSONL file, the control plane).
   */
  writeJson?(entries: readonly string[]): Promise<void>;
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

/** A buffered entry: a captured prediction, a prediction kept whole (tensors not capturable), or feedback. */
type Pending = CapturedPrediction | PredictionEvent | FeedbackRecord;

const isFeedback = (item: Pending): item is FeedbackRecord => 'kind' in item;
const isCaptured = (item: Pending): item is CapturedPrediction => 'chunk' in item;

/** A buffered entry as its JSON text. */
const entryJson = (item: Pending): string =>
  isFeedback(item) ? JSON.stringify(item) : isCaptured(item) ? capturedJson(item) : JSON.stringify(eventEntry(item));

/** A buffered entry as an object, for sinks that take objects. */
const toEntry = (item: Pending): PredictionLogEntry =>
  isFeedback(item) ? item : isCaptured(item) ? (JSON.parse(capturedJson(item)) as PredictionRecord) : eventEntry(item);

/**
 * The prediction log of a serving process: sampled, buffered in memory and written in batches off the request
 * path. Recording copies a prediction's numbers into a shared chunk (no tensor, typed array or JSON of the
 * request is kept alive); the flush writes them as JSON lines in bulk. `close()` flushes what is left.
 */
export class PredictionLog {
  readonly #sink: PredictionSink;
  readonly #options: PredictionLogOptions;
  readonly #random: () => number;
  readonly #capture = new PredictionCapture();
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
    this.#push(this.#capture.capture(event) ?? event);
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
      const sink = this.#sink;
      if (sink.writeJson !== undefined) await sink.writeJson(batch.map(entryJson));
      else await sink.write(batch.map(toEntry));
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
