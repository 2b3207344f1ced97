import type { ErrorCode } from '../../contract/error-codes.js';
import type { Digest } from '../../domain/digest.js';
import { SlipwayError, toSlipwayError } from '../../domain/errors.js';
import type { ObjectStore } from '../../storage/objects/types.js';
import type { ProgressListener } from '../progress.js';

/** Objects moved at once by push, pull and fetch unless `-j` says otherwise. */
export const DEFAULT_JOBS = 8;

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

export interface TransferFailure {
  readonly digest: Digest;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface TransferResult {
  /** Distinct objects asked for. */
  readonly requested: number;
  /** Already at the destination: nothing to do. */
  readonly present: number;
  /** Copied (and verified) by this run. */
  readonly transferred: number;
  readonly bytes: number;
  /** Objects that could not be copied (absent from the source, corrupt…), by digest. */
  readonly failures: TransferFailure[];
}

export interface TransferInput {
  readonly from: ObjectStore;
  readonly to: ObjectStore;
  readonly digests: Iterable<Digest>;
  readonly jobs?: number;
  /** For progress and messages: `pushing`, `fetching`. */
  readonly phase: string;
  readonly onProgress?: ProgressListener;
}

export const EMPTY_TRANSFER: TransferResult = { requested: 0, present: 0, transferred: 0, bytes: 0, failures: [] };

export const addTransfers = (a: TransferResult, b: TransferResult): TransferResult => ({
  requested: a.requested + b.requested,
  present: a.present + b.present,
  transferred: a.transferred + b.transferred,
  bytes: a.bytes + b.bytes,
  failures: [...a.failures, ...b.failures],
});

const failureOf = (digest: Digest, error: unknown): TransferFailure => {
  const failure = toSlipwayError(error);
  const message = failure.code === 'INTERNAL_ERROR' && error instanceof Error ? error.message : failure.message;
  return { digest, code: failure.code, message };
};

/**
 * Copies the objects `to` lacks from `from`: one batched existence check at the destination (the store batches
 * it: ≤10,000 digests per request to a Slipway server, bounded HEADs to S3), then at most `jobs` copies at once.
 * Every copy is verified: `from.get` streams verified bytes and `to.put` checks them against the digest before
 * the object becomes visible, so an interrupted run leaves only whole objects and a rerun moves only the rest.
 * Per-object failures are collected; a failure that dooms the rest (unreachable, refused, disk full) stops the
 * run with that error once the copies in flight have settled.
 */
export async function transferObjects(input: TransferInput): Promise<TransferResult> {
  const wanted = [...new Set(input.digests)];
  const missingThere = await input.to.missing(wanted);
  const missingHere = new Set(await input.from.missing(missingThere));
  const failures = [...missingHere].map((digest) => notInSource(digest, input.from));
  const todo = missingThere.filter((digest) => !missingHere.has(digest));
  const copied = await copyAll(input, todo);
  return {
    requested: wanted.length,
    present: wanted.length - missingThere.length,
    transferred: copied.transferred,
    bytes: copied.bytes,
    failures: [...failures, ...copied.failures],
  };
}

const notInSource = (digest: Digest, from: ObjectStore): TransferFailure => ({
  digest,
  code: 'RESOURCE_DOES_NOT_EXIST',
  message: `Object ${digest} is not in ${from.uri}.`,
});

async function copyOne(input: TransferInput, digest: Digest): Promise<number> {
  const body = await input.from.get(digest);
  try {
    return (await input.to.put(body, { expectedDigest: digest })).size;
  } finally {
    body.destroy();
  }
}

async function copyAll(input: TransferInput, todo: readonly Digest[]) {
  const failures: TransferFailure[] = [];
  let transferred = 0;
  let bytes = 0;
  let fatal: SlipwayError | undefined;
  let next = 0;
  const report = () =>
    input.onProgress?.({ phase: input.phase, done: transferred + failures.length, total: todo.length });
  const worker = async () => {
    while (fatal === undefined && next < todo.length) {
      const digest = todo[next++] as Digest;
      try {
        bytes += await copyOne(input, digest);
        transferred += 1;
      } catch (error) {
        const failure = toSlipwayError(error);
        if (FATAL.has(failure.code)) fatal ??= failure;
        else failures.push(failureOf(digest, error));
      }
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.jobs ?? DEFAULT_JOBS, todo.length) }, worker));
  if (fatal !== undefined) throw stopped(input, fatal, transferred, todo.length);
  return { transferred, bytes, failures };
}

const stopped = (input: TransferInput, cause: SlipwayError, done: number, total: number): SlipwayError =>
  new SlipwayError(
    cause.code,
    `${capitalize(input.phase)} stopped after ${done} of ${total} objects: ${cause.message}`,
    {
      cause,
      hint: `${cause.hint ?? ''} The ${done} objects already copied are complete and verified; run the command again to copy the rest.`.trim(),
    },
  );

const capitalize = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
