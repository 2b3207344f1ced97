import { Readable } from 'node:stream';
import type { ArtifactPath } from '../domain/artifact-path.js';
import type { Digest } from '../domain/digest.js';
import { corruptObject, isSlipwayError, notFound, SlipwayError } from '../domain/errors.js';
import { type ArtifactFile, findArtifactFile } from '../storage/metadata/artifacts/artifact-files.js';
import type { ArtifactDeps } from './artifact-deps.js';

export interface ArtifactDownload {
  readonly file: ArtifactFile;
  /** The verified bytes; already past the first check, so a missing or corrupt object fails before any byte. */
  readonly body: Readable;
}

const OPERATOR_HINT = 'An operator should check the object store (the server log has the details).';

/**
 * Store errors name server-side locations (folders, buckets); what reaches a client names only the artifact and
 * its digest. The original stays as the cause, for the log.
 */
function clientSafe(error: unknown, file: ArtifactFile): unknown {
  if (!isSlipwayError(error)) return error;
  if (error.code === 'CORRUPT_OBJECT') {
    return corruptObject(`Artifact ${file.path} is corrupt: its bytes do not match ${file.digest}.`, {
      cause: error,
      hint: OPERATOR_HINT,
    });
  }
  if (error.code === 'RESOURCE_DOES_NOT_EXIST') {
    return new SlipwayError('DATA_LOSS', `Artifact ${file.path} refers to ${file.digest}, which is missing.`, {
      cause: error,
      hint: `${OPERATOR_HINT} Upload the file again to restore it.`,
    });
  }
  return error;
}

async function* translated(iterator: AsyncIterator<Buffer>, first: IteratorResult<Buffer>, file: ArtifactFile) {
  try {
    for (let step = first; step.done !== true; step = await iterator.next()) yield step.value;
  } catch (error) {
    throw clientSafe(error, file);
  } finally {
    await iterator.return?.();
  }
}

/** Opens the object and waits for its first verified bytes (or its end), so that failures surface before a reply. */
async function openVerified(deps: ArtifactDeps, file: ArtifactFile, digest: Digest): Promise<Readable> {
  try {
    const source = await deps.objects.get(digest);
    const iterator: AsyncIterator<Buffer> = source[Symbol.asyncIterator]();
    const first = await iterator.next().catch(async (error: unknown) => {
      source.destroy();
      throw error;
    });
    return Readable.from(translated(iterator, first, file), { objectMode: false });
  } catch (error) {
    throw clientSafe(error, file);
  }
}

/** Streams a stored artifact, verified against its digest while it flows. */
export async function getArtifact(deps: ArtifactDeps, path: ArtifactPath): Promise<ArtifactDownload> {
  const file = await findArtifactFile(deps.metadata.db, path);
  if (file === undefined) {
    throw notFound(`Artifact ${path} does not exist.`, {
      hint: 'List its folder (GET /api/2.0/mlflow-artifacts/artifacts?path=<folder>) to see what is there.',
    });
  }
  return { file, body: await openVerified(deps, file, file.digest) };
}
