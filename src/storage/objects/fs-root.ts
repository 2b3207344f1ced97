import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidParameter } from '../../domain/errors.js';
import { fsError } from './fs-errors.js';

/** The folder a `file:///abs/path`, `/abs/path` or relative-path URI names, resolved against the cwd. */
export const fsRootFromUri = (uri: string): string => {
  if (!uri.startsWith('file:')) return resolve(uri);
  try {
    return fileURLToPath(uri);
  } catch (error) {
    throw invalidParameter(`'${uri}' is not a valid file URI.`, {
      hint: 'Use file:///absolute/path (three slashes), or a plain absolute or relative path.',
      cause: error,
    });
  }
};

/** Makes sure the store folder exists (creating it if missing), is a folder, and can be read. */
export const prepareFsRoot = async (root: string): Promise<void> => {
  const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw fsError(error, root, 'reading');
  });
  if (info === undefined) {
    await mkdir(root, { recursive: true }).catch((error) => {
      throw fsError(error, root, 'creating');
    });
    return;
  }
  if (!info.isDirectory()) {
    throw invalidParameter(`The object store path ${root} is a file, not a folder.`, {
      hint: 'Point the object store at a folder (it is created when missing).',
    });
  }
  await access(root, constants.R_OK | constants.X_OK).catch((error) => {
    throw fsError(error, root, 'reading');
  });
};
