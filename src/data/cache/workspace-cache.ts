import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../../domain/digest.js';
import { invalidParameter } from '../../domain/errors.js';
import { OBJECTS_DIR, objectRelativePath, TEMP_DIR } from '../../storage/objects/object-layout.js';
import { objectStoreScheme, openObjectStore } from '../../storage/objects/registry.js';
import type { ObjectStore } from '../../storage/objects/types.js';

/**
 * The workspace cache: a local folder object store (the `file` adapter), opened through the object store registry.
 * Data versioning also needs the files themselves (to link workspace files to objects, to copy large files with
 * the kernel), so this knows the folder store's layout (`objects/sha256/ab/cdef…`, temp files in `tmp/`).
 */
export interface WorkspaceCache {
  /** The cache folder, symbolic links resolved. */
  readonly root: string;
  /** `<root>/objects/sha256`. */
  readonly objectsDir: string;
  /** `<root>/tmp`: where objects are staged before their rename into place. */
  readonly tmpDir: string;
  readonly store: ObjectStore;
  objectPath(digest: Digest): string;
}

export async function openWorkspaceCache(uri: string): Promise<WorkspaceCache> {
  if (objectStoreScheme(uri) !== 'file') {
    throw invalidParameter(`The workspace cache must be a local folder; objects.uri is '${uri}'.`, {
      hint: 'Unset objects.uri (the cache is then .slipway/cache) or point it at a folder; keep buckets as remotes.',
    });
  }
  const store = await openObjectStore(uri);
  const root = await realpath(uri.startsWith('file:') ? new URL(uri) : uri);
  return {
    root,
    objectsDir: join(root, OBJECTS_DIR),
    tmpDir: join(root, TEMP_DIR),
    store,
    objectPath: (digest) => join(root, objectRelativePath(digest)),
  };
}
