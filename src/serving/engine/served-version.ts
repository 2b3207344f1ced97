import type { LoadedModel } from '../../models/load-model.js';
import type { Feeds } from '../../models/tensor/tensor.js';
import { type BatchingOptions, MicroBatcher, type Outputs } from './micro-batcher.js';

/** A version's lease: taken when a request is routed to it, released when its answer is sent. */
export interface Lease {
  readonly served: ServedVersion;
  release(): void;
}

/**
 * One loaded model version behind its batcher. Requests hold a lease while they use it, so retiring a version
 * (after a swap) waits for the requests already routed to it, then frees its runtime session.
 */
export class ServedVersion {
  readonly name: string;
  readonly version: string;
  readonly model: LoadedModel;
  readonly #batcher: MicroBatcher;
  #leases = 0;
  #retired: Promise<void> | undefined;
  #idle: (() => void) | undefined;

  constructor(
    name: string,
    version: string,
    model: LoadedModel,
    batching: BatchingOptions,
    onBatch: (rows: number) => void,
  ) {
    this.name = name;
    this.version = version;
    this.model = model;
    this.#batcher = new MicroBatcher((feeds) => model.predict(feeds), batching, onBatch);
  }

  get retiring(): boolean {
    return this.#retired !== undefined;
  }

  lease(): Lease {
    this.#leases += 1;
    let released = false;
    return {
      served: this,
      release: () => {
        if (released) return;
        released = true;
        this.#leases -= 1;
        if (this.#leases === 0) this.#idle?.();
      },
    };
  }

  predict(feeds: Feeds): Promise<Outputs> {
    return this.#batcher.submit(feeds);
  }

  /** Waits for every lease and queued call to finish, then closes the model. Idempotent. */
  retire(): Promise<void> {
    this.#retired ??= (async () => {
      if (this.#leases > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
      await this.#batcher.drained();
      await this.model.close();
    })();
    return this.#retired;
  }
}
