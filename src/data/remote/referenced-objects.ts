import type { Digest } from '../../domain/digest.js';
import type { ObjectStore } from '../../storage/objects/types.js';
import type { Selection } from '../pointer/tracked.js';
import { isSameOrInside } from '../tree/relative-path.js';
import type { TreeEntry } from '../tree/tree.js';
import { tryReadTree } from '../tree/tree-store.js';

/** What a set of selected tracked items needs, split so that tree objects can be moved after their files. */
export interface ReferencedObjects {
  /** Each tracked file's object and each tracked directory's tree object. */
  readonly roots: Set<Digest>;
  /** The objects the trees list (within a target inside a directory, only those under it). */
  readonly entries: Set<Digest>;
  /** Directory pointers whose tree object none of the stores has: their files are unknown. */
  readonly unexpanded: Array<{ readonly pointer: string; readonly digest: Digest }>;
  /** Workspace-relative paths by digest, for reports (a digest may appear at several paths). */
  readonly paths: Map<Digest, string[]>;
}

const addPath = (paths: Map<Digest, string[]>, digest: Digest, path: string) => {
  const list = paths.get(digest);
  if (list === undefined) paths.set(digest, [path]);
  else list.push(path);
};

const addRootPath = (result: ReferencedObjects, tracked: Selection['tracked']) =>
  addPath(result.paths, tracked.pointer.digest, tracked.directory ? `${tracked.data.rel}/` : tracked.data.rel);

/** The first of `stores` that holds the tree; undefined when none does. */
async function readTreeFrom(
  stores: readonly ObjectStore[],
  digest: Digest,
  label: string,
): Promise<TreeEntry[] | undefined> {
  for (const store of stores) {
    const tree = await tryReadTree(store, digest, label);
    if (tree !== undefined) return tree;
  }
  return undefined;
}

/**
 * Which objects the selections reference, directory trees expanded (read from the first of `treeStores` that has
 * them: the cache, then perhaps a remote). The core's `expandReferences` reads trees from the cache only and
 * knows nothing of targets inside a directory, hence this.
 */
export async function referencedObjects(
  selections: readonly Selection[],
  treeStores: readonly ObjectStore[],
): Promise<ReferencedObjects> {
  const result: ReferencedObjects = { roots: new Set(), entries: new Set(), unexpanded: [], paths: new Map() };
  const seen = new Set<string>();
  for (const { tracked, inner } of selections) {
    const { digest } = tracked.pointer;
    result.roots.add(digest);
    if (!seen.has(tracked.pointerPath)) addRootPath(result, tracked);
    seen.add(tracked.pointerPath);
    if (!tracked.directory) continue;
    const tree = await readTreeFrom(treeStores, digest, tracked.pointerPath);
    if (tree === undefined) {
      result.unexpanded.push({ pointer: tracked.pointerPath, digest });
      continue;
    }
    for (const entry of tree) {
      if (inner !== undefined && !isSameOrInside(entry.path, inner)) continue;
      result.entries.add(entry.digest);
      addPath(result.paths, entry.digest, `${tracked.data.rel}/${entry.path}`);
    }
  }
  return result;
}
