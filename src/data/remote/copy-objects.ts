import type { ErrorCode } from '../../contract/error-codes.js';
import type { Digest } from '../../domain/digest.js';
import { type SlipwayError, toSlipwayError } from '../../domain/errors.js';
import { readObjects, writeObjects } from '../../storage/objects/object-batches.js';
import type { ObjectBytes, ObjectStore } from '../../storage/objects/types.js';
import { supportsBatches } from '../../storage/objects/types.js';
import type { ProgressListener } from '../progress.js';

/** Failures that would fail every other object too: stop, and say so, instead of listing thousands. */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'TEMPORARILY_UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'REQUEST_LIMIT_EXCEEDED',
  'INVALID_STATE',
]);

/** Objects up to this size move as whole buffers, many per call, when a store has the ObjectBatches capability. */
export const BATCH_OBJECT_BYTES = 128 * 1024;
/** Objects per batch: with BATCH_OBJECT_BYTES, at most 16 MiB of a batch is in memory. */
const BATCH_OBJECTS = 128;
/** Batches in flight at once (each is many objects; more only adds memory). */
const MAX_BATCH_JOBS = 4;

export interface TransferFailure {
  readonly digest: Digest;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface CopyInput {
  readonly from: ObjectStore;
  readonly to: ObjectStore;
  readonly jobs: number;
  /** For progress: `pushing`, `fetching`. */
  readonly phase: string;
  readonly onProgress?: ProgressListener | undefined;
}

/** What a copy run did so far; a fatal failure stops new work. */
class Tally {
  readonly failures: TransferFailure[] = [];
  transferred = 0;
  bytes = 0;
  fatal: SlipwayError | undefined;

  constructor(
    readonly input: CopyInput,
    readonly total: number,
  ) {}

  copied(size: number): void {
    this.transferred += 1;
    this.bytes += size;
  }

  failed(digest: Digest, error: unknown): void {
    const failure = toSlipwayError(error);
    if (FATAL.has(failure.code)) this.fatal ??= failure;
    else this.failures.push(failureOf(digest, error, failure));
  }

  report(): void {
    const done = this.transferred + this.failures.length;
    this.input.onProgress?.({ phase: this.input.phase, done, total: this.total });
  }
}

const failureOf = (digest: Digest, error: unknown, failure: SlipwayError): TransferFailure => {
  const message = failure.code === 'INTERNAL_ERROR' && error instanceof Error ? error.message : failure.message;
  return { digest, code: failure.code, message };
};

/**
 * Copies `todo` from one store to the other, verified on both ends: in batches of whole small objects when either
 * store has the ObjectBatches capability (objects over BATCH_OBJECT_BYTES still stream one by one), else one
 * streamed object per call, `jobs` at a time. Returns the tally; its `fatal` is set when the run stopped early.
 */
export async function copyObjects(input: CopyInput, todo: readonly Digest[]): Promise<Tally> {
  const tally = new Tally(input, todo.length);
  if (supportsBatches(input.to) || supportsBatches(input.from)) await copyInBatches(tally, todo);
  else await copyEach(tally, todo, input.jobs);
  return tally;
}

async function copyOne(input: CopyInput, digest: Digest): Promise<number> {
  const body = await input.from.get(digest);
  try {
    return (await input.to.put(body, { expectedDigest: digest })).size;
  } finally {
    body.destroy();
  }
}

async function copyEach(tally: Tally, todo: readonly Digest[], jobs: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (tally.fatal === undefined && next < todo.length) {
      const digest = todo[next++] as Digest;
      try {
        tally.copied(await copyOne(tally.input, digest));
      } catch (error) {
        tally.failed(digest, error);
      }
      tally.report();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, todo.length) }, worker));
}

async function copyInBatches(tally: Tally, todo: readonly Digest[]): Promise<void> {
  const batches: Digest[][] = [];
  for (let start = 0; start < todo.length; start += BATCH_OBJECTS)
    batches.push(todo.slice(start, start + BATCH_OBJECTS));
  let next = 0;
  const worker = async () => {
    while (tally.fatal === undefined && next < batches.length) {
      const batch = batches[next++] as Digest[];
      try {
        const large = await copyBatch(tally, batch);
        await copyEach(tally, large, tally.input.jobs);
      } catch (error) {
        for (const digest of batch) tally.failed(digest, error);
      }
      tally.report();
    }
  };
  const jobs = Math.min(MAX_BATCH_JOBS, Math.max(1, tally.input.jobs), batches.length);
  await Promise.all(Array.from({ length: jobs }, worker));
}

/** Calls in flight per batch against a store without batches, so that all batches together keep to `-j`. */
const perBatch = (jobs: number) => Math.max(1, Math.ceil(jobs / MAX_BATCH_JOBS));

/** One batch: read whole, write whole (a failed call fails its objects); returns the objects too large for a batch, to stream one by one. */
async function copyBatch(tally: Tally, batch: readonly Digest[]): Promise<Digest[]> {
  const read = await readObjects(tally.input.from, batch, BATCH_OBJECT_BYTES, perBatch(tally.input.jobs));
  const objects: ObjectBytes[] = [];
  const large: Digest[] = [];
  for (const result of read) {
    if ('bytes' in result) objects.push(result);
    else if ('large' in result) large.push(result.digest);
    else tally.failed(result.digest, result.error);
  }
  try {
    for (const result of await writeObjects(tally.input.to, objects, perBatch(tally.input.jobs))) {
      if ('error' in result) tally.failed(result.digest, result.error);
      else tally.copied(result.size);
    }
  } catch (error) {
    for (const object of objects) tally.failed(object.digest, error);
  }
  return large;
}
