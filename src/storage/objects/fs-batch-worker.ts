import { Worker } from 'node:worker_threads';
import { FS_BATCH_WORKER_SOURCE } from './fs-batch-worker-source.js';

/** A file-system failure as the worker reports it. */
export interface FsWorkerFailure {
  readonly message: string;
  readonly code?: string;
  readonly path?: string;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** An Error carrying the errno code and path of the worker's failure, as node's own fs errors do. */
const failureError = (failure: FsWorkerFailure): Error =>
  Object.assign(new Error(failure.message), { code: failure.code, path: failure.path });

/**
 * One worker thread that runs a folder store's batch operations (fs-batch-worker-source.ts). It starts on first
 * use, keeps the process alive only while a call is in flight, and is replaced if it dies (its calls fail).
 */
export class FsBatchWorker {
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #nextId = 1;

  run<T>(op: string, args: unknown, transfer: readonly ArrayBuffer[] = []): Promise<T> {
    const worker = this.#ensure();
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ id, op, args }, [...transfer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #ensure(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(FS_BATCH_WORKER_SOURCE, { eval: true });
    worker.on('message', (message: { id: number; result?: unknown; error?: FsWorkerFailure }) => this.#settle(message));
    worker.on('error', (error) => this.#lose(worker, error));
    worker.on('exit', (code) => this.#lose(worker, new Error(`the object store's batch worker exited (${code})`)));
    this.#worker = worker;
    return worker;
  }

  #settle(message: { id: number; result?: unknown; error?: FsWorkerFailure }): void {
    const pending = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    if (message.error === undefined) pending?.resolve(message.result);
    else pending?.reject(failureError(message.error));
  }

  #lose(worker: Worker, error: Error): void {
    if (this.#worker === worker) this.#worker = undefined;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(error);
  }
}
