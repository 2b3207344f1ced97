import { invalidParameter, notFound, SlipwayError } from '../../domain/errors.js';
import { WorkerTaskError } from './hash-pool.js';

/** Turns a worker's failure on a file into an actionable SlipwayError naming the file (`label` is its path). */
export function workerError(error: unknown, label: (path: string | undefined) => string): unknown {
  if (!(error instanceof WorkerTaskError)) return error;
  const { code, kind, path, message } = error.failure;
  const file = label(path);
  if (kind === 'changed') {
    return new SlipwayError('ABORTED', `${file} changed while Slipway was reading it; nothing was recorded for it.`, {
      hint: 'Wait until the program writing it has finished, then run the command again.',
    });
  }
  if (kind === 'special') return invalidParameter(`${file} is not a regular file (a device, socket or pipe).`);
  if (code === 'ENOENT') return notFound(`${file} disappeared while Slipway was reading it.`);
  if (code === 'EACCES' || code === 'EPERM') {
    return new SlipwayError('PERMISSION_DENIED', `Permission denied reading or writing ${file}.`, {
      hint: 'Check the owner and permissions of the file, its folder and the cache (.slipway/cache).',
    });
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new SlipwayError('RESOURCE_EXHAUSTED', `No space left while storing ${file} in the cache.`, {
      hint: 'Free some space (slipway gc removes unreferenced cache objects) and run the command again.',
    });
  }
  if (code === 'EXDEV') {
    return invalidParameter(`Cannot hard-link ${file}: the cache is on another file system.`, {
      hint: 'Use `--link-mode copy` (or reflink), or keep the cache on the same file system as the workspace.',
    });
  }
  return new SlipwayError('INTERNAL_ERROR', `Reading ${file} failed: ${message}`, { cause: error });
}
