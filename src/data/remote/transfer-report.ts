import type { Digest } from '../../domain/digest.js';
import type { ReferencedObjects } from './referenced-objects.js';
import type { TransferFailure, TransferResult } from './transfer-objects.js';

export interface ReportedFailure extends TransferFailure {
  /** Where the object is used in the workspace. */
  readonly paths: readonly string[];
}

/** What push, fetch and pull report (`--json` prints it as is). */
export interface TransferReport {
  /** The remote's name and URL. */
  readonly remote: string;
  readonly url: string;
  readonly requested: number;
  readonly present: number;
  readonly transferred: number;
  readonly bytes: number;
  readonly failures: readonly ReportedFailure[];
  /** Tracked directories whose tree object neither side has: their files could not be listed. */
  readonly unexpanded: ReadonlyArray<{ readonly pointer: string; readonly digest: Digest }>;
}

export interface RemoteName {
  readonly name: string;
  readonly url: string;
}

/** Attaches workspace paths to failures and names the remote. */
export const transferReport = (
  remote: RemoteName,
  result: TransferResult,
  refs: ReferencedObjects,
): TransferReport => ({
  remote: remote.name,
  url: remote.url,
  requested: result.requested,
  present: result.present,
  transferred: result.transferred,
  bytes: result.bytes,
  failures: result.failures.map((failure) => ({ ...failure, paths: refs.paths.get(failure.digest) ?? [] })),
  unexpanded: refs.unexpanded,
});
