import type { Readable } from 'node:stream';
import type { TreeEntry } from '../data/tree/tree.js';
import { parseArtifactPath } from '../domain/artifact-path.js';
import { pinnedDigestOf, pinnedEntry, readPinnedTree } from './pinned-tree.js';
import type { RegistryDeps } from './types.js';

export interface PinnedFile {
  readonly entry: TreeEntry;
  /** The bytes, verified against the entry's digest while they stream (the object store's guarantee). */
  readonly body: Readable;
}

/**
 * Opens a file of a pinned tree: `<hex>/<path>` under the pinned root. The tree comes from the object store
 * (verified), the entry from the tree, the bytes from the object the entry names: exactly what was pinned,
 * whatever has happened to the run's artifacts since.
 */
export async function openPinnedFile(
  deps: Pick<RegistryDeps, 'objects'>,
  treeHex: string,
  path: string,
): Promise<PinnedFile> {
  const digest = pinnedDigestOf(treeHex);
  const canonical = parseArtifactPath(path);
  const entry = pinnedEntry(await readPinnedTree(deps.objects, digest), canonical, digest);
  return { entry, body: await deps.objects.get(entry.digest) };
}
