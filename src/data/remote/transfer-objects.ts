import type { Digest } from '../../domain/digest.js';
import { SlipwayError } from '../../domain/errors.js';
import type { ObjectStore } from '../../storage/objects/types.js';
import type { ProgressListener } from '../progress.js';
import { copyObjects, type TransferFailure } from './copy-objects.js';

/** Objects moved at once by push, pull and fetch unless `-j` says otherwise. */
export const DEFAULT_JOBS = 8;

export type { TransferFailure } from './copy-objects.js';

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

/**
 * Copies the objects `to` lacks from `from`: one batched existence check at the destination (the store batches
 * it: ≤10,000 digests per request to a Slipway server, bounded HEADs to S3), then the copies: small objects in
 * batches where a store can take them (copy-objects.ts), the rest at most `jobs` at once. Every copy is verified:
 * the source's read checks the bytes and the destination checks them against the digest again before the object
 * becomes visible, so an interrupted run leaves only whole objects and a rerun moves only the rest.
 * Per-object failures are collected; a failure that dooms the rest (unreachable, refused, disk full) stops the
 * run with that error once the copies in flight have settled.
 */
export async function transferObjects(input: TransferInput): Promise<TransferResult> {
  const wanted = [...new Set(input.digests)];
  const missingThere = await input.to.missing(wanted);
  const missingHere = new Set(await input.from.missing(missingThere));
  const failures = [...missingHere].map((digest) => notInSource(digest, input.from));
  const todo = missingThere.filter((digest) => !missingHere.has(digest));
  const copied = await copyObjects({ ...input, jobs: input.jobs ?? DEFAULT_JOBS }, todo);
  if (copied.fatal !== undefined) throw stopped(input, copied.fatal, copied.transferred, todo.length);
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
