import { invalidParameter, SlipwayError } from '../../domain/errors.js';

type Action = 'reading' | 'writing' | 'creating' | 'deleting';

type ErrorFactory = (path: string, action: Action) => SlipwayError;

const permissionDenied: ErrorFactory = (path, action) =>
  new SlipwayError('PERMISSION_DENIED', `Permission denied ${action} ${path} in the object store.`, {
    hint: `Check the owner and permissions of ${path} and its folders (ls -ld), run as a user who may use them, or point the store at another folder.`,
  });

const FS_ERRORS: Readonly<Record<string, ErrorFactory>> = {
  EACCES: permissionDenied,
  EPERM: permissionDenied,
  EROFS: (path, action) =>
    new SlipwayError('PERMISSION_DENIED', `Cannot ${action.replace(/ing$/, '')} ${path}: read-only file system.`, {
      hint: 'Point the object store at a writable folder, or remount the file system read-write.',
    }),
  ENOSPC: (path) =>
    new SlipwayError('RESOURCE_EXHAUSTED', `No space left on the device while writing ${path}.`, {
      hint: 'Free some space (for example remove unused objects with garbage collection) and try again.',
    }),
  EDQUOT: (path) =>
    new SlipwayError('RESOURCE_EXHAUSTED', `Disk quota exceeded while writing ${path}.`, {
      hint: 'Free some space or raise the quota, then try again.',
    }),
  ENOTDIR: (path) =>
    invalidParameter(`A part of the object store path ${path} is a file, not a folder.`, {
      hint: 'Point the object store at a folder path whose parents are all folders.',
    }),
  EMFILE: (path, action) =>
    new SlipwayError('TEMPORARILY_UNAVAILABLE', `Too many open files while ${action} ${path}.`, {
      hint: 'Lower the concurrency or raise the open-file limit (ulimit -n).',
    }),
};

/** Translates a file-system error into an actionable SlipwayError naming the path; other errors pass through. */
export const fsError = (error: unknown, path: string, action: Action): unknown => {
  if (error instanceof SlipwayError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const factory = code === undefined ? undefined : FS_ERRORS[code];
  if (factory === undefined) return error;
  const mapped = factory(path, action);
  return new SlipwayError(mapped.code, mapped.message, { hint: mapped.hint, cause: error });
};

export const isMissingFile = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};
