import type { Readable } from 'node:stream';
import type { ArtifactPath } from '../domain/artifact-path.js';
import { alreadyExists, isSlipwayError, SlipwayError } from '../domain/errors.js';
import {
  type ArtifactFile,
  findFileAncestor,
  hasFilesUnder,
  upsertArtifactFile,
} from '../storage/metadata/artifacts/artifact-files.js';
import type { ObjectInfo } from '../storage/objects/types.js';
import type { ArtifactDeps } from './artifact-deps.js';
import { limitBytes, tooLarge } from './byte-limit.js';

export interface PutArtifactInput {
  readonly path: ArtifactPath;
  /** The bytes, streamed: never held in memory whole. */
  readonly body: Readable;
  /** Bodies larger than this fail with PAYLOAD_TOO_LARGE while they stream. */
  readonly maxBytes: number;
  /** The size the client announced (Content-Length), refused up front when over the limit. */
  readonly declaredBytes?: number;
}

type Db = ArtifactDeps['metadata']['db'];

/** A path cannot be a file and a folder at once: refuses a file under a file, or over a folder. */
async function assertPathFree(db: Db, path: ArtifactPath): Promise<void> {
  const fileAncestor = await findFileAncestor(db, path);
  if (fileAncestor !== undefined) {
    throw alreadyExists(`Cannot store artifact ${path}: ${fileAncestor} is a file, not a folder.`, {
      hint: `Delete ${fileAncestor} first, or choose another path.`,
    });
  }
  if (await hasFilesUnder(db, path)) {
    throw alreadyExists(`Cannot store artifact ${path}: a folder of that name holds other artifacts.`, {
      hint: 'Choose another file name, or delete the folder first.',
    });
  }
}

const isAbort = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || message === 'aborted';
};

async function storeBody(deps: ArtifactDeps, input: PutArtifactInput): Promise<ObjectInfo> {
  try {
    return await deps.objects.put(limitBytes(input.body, input.maxBytes, `The body for artifact ${input.path}`));
  } catch (error) {
    if (isSlipwayError(error) || !isAbort(error)) throw error;
    throw new SlipwayError('CANCELLED', `The upload of artifact ${input.path} ended early; nothing was stored.`, {
      cause: error,
      hint: 'The client went away mid-upload: upload the file again.',
    });
  }
}

/**
 * Stores a file under the artifact proxy: the bytes go to the object store first (streamed, deduplicated by
 * digest), then the path is recorded. A crash in between leaves an unreferenced object, never a path without
 * its bytes; an interrupted or oversized upload records nothing. Writing a path again replaces it.
 */
export async function putArtifact(deps: ArtifactDeps, input: PutArtifactInput): Promise<ArtifactFile> {
  if (input.declaredBytes !== undefined && input.declaredBytes > input.maxBytes) {
    throw tooLarge(`The body for artifact ${input.path}`, input.maxBytes);
  }
  await assertPathFree(deps.metadata.db, input.path);
  const info = await storeBody(deps, input);
  const file: ArtifactFile = { path: input.path, ...info, createdTime: (deps.now ?? Date.now)() };
  await deps.metadata.db.transaction().execute(async (trx) => {
    await assertPathFree(trx, input.path);
    await upsertArtifactFile(trx, file);
  });
  return file;
}
