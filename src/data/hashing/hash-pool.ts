import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HASH_WORKER_SOURCE } from './worker-source.js';

/** An error as a worker reports it: the file-system code and path, or a `kind` of our own (`changed`, …). */
export interface WorkerFailure {
  readonly message: string;
  readonly code?: string;
  readonly path?: string;
  readonly kind?: string;
}

export class WorkerTaskError extends Error {
  readonly failure: WorkerFailure;
  constructor(failure: WorkerFailure) {
    super(failure.message);
    this.name = 'WorkerTaskError';
    this.failure = failure;
  }
}

interface Task {
  readonly id: number;
  readonly op: string;
  readonly args: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  task: Task | undefined;
}

/** Default pool size: one worker per core, between 1 and 4 (hashing is CPU-bound; the main thread coordinates). */
export const defaultPoolSize = (): number => Math.max(1, Math.min(4, availableParallelism()));

/**
 * A small pool of hashing workers. Tasks queue and run one per worker; workers start on first use and stop at
 * `close()`. A worker that dies fails its task and is replaced.
 */
export class HashPool {
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Task[] = [];
  #nextId = 1;
  #closed = false;

  constructor(size = defaultPoolSize()) {
    this.size = size;
  }

  run<T>(op: string, args: unknown): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the hashing pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, op, args, resolve: resolve as (value: unknown) => void, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#slots.find((candidate) => candidate.task === undefined) ?? this.#spawn();
      if (slot === undefined) return;
      const task = this.#queue.shift() as Task;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, op: task.op, args: task.args });
    }
  }

  #spawn(): Slot | undefined {
    if (this.#slots.length >= this.size) return undefined;
    const slot: Slot = { worker: new Worker(HASH_WORKER_SOURCE, { eval: true }), task: undefined };
    slot.worker.on('message', (message: { id: number; result?: unknown; error?: WorkerFailure }) =>
      this.#settle(slot, message),
    );
    slot.worker.on('error', (error) => this.#lose(slot, error));
    slot.worker.on('exit', (code) => this.#lose(slot, new Error(`a hashing worker exited with code ${code}`)));
    this.#slots.push(slot);
    return slot;
  }

  #settle(slot: Slot, message: { id: number; result?: unknown; error?: WorkerFailure }): void {
    const task = slot.task;
    slot.task = undefined;
    slot.worker.unref();
    if (task !== undefined && task.id === message.id) {
      if (message.error === undefined) task.resolve(message.result);
      else task.reject(new WorkerTaskError(message.error));
    }
    this.#dispatch();
  }

  #lose(slot: Slot, error: Error): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1) return;
    this.#slots.splice(index, 1);
    slot.task?.reject(error);
    slot.task = undefined;
    if (!this.#closed) this.#dispatch();
  }
}
