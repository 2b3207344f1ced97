import { open as openFile } from 'node:fs/promises';
import type { Digest } from '../domain/digest.js';
import { GitBlobReader } from './git/cat-file-batch.js';
import { requireCommit } from './git/run-git.js';
import { streamGitLines } from './git/stream-git-lines.js';
import { listWorkspacePointers } from './pointer/find-pointers.js';
import { isDirectoryPointer, isPointerPath, parsePointer, readPointerFile } from './pointer/pointer-file.js';
import { selectTracked, uniqueTracked } from './pointer/tracked.js';
import { pointersAtRevision } from './revision-pointers.js';
import { TREE_PREFIX } from './tree/tree.js';
import { tryReadTree } from './tree/tree-store.js';
import type { Workspace } from './workspace/workspace.js';

/**
 * Something outside pointer files that pins objects (the model registry pins model trees). `slipway gc` keeps
 * every digest a provider yields, and, when the object is a tree, everything the tree lists.
 */
export interface ReferenceProvider {
  readonly name: string;
  digests(): AsyncIterable<Digest>;
}

/** A digest a pointer file names, and where that pointer file is (for messages). */
export interface PointerReference {
  readonly digest: Digest;
  readonly directory: boolean;
  readonly source: string;
}

/** Which pointer files count: those in the workspace, at the tips of all branches, or in every commit. */
export type ReferenceScope = 'workspace' | 'all-branches' | 'all-commits';

/**
 * The digests named by the pointer files that targets select (all of them without targets): what `push`, `pull`
 * and `fetch` move. Pass the result to expandReferences for the files inside tracked directories.
 */
export async function targetReferences(
  ws: Workspace,
  cwd: string,
  targets: readonly string[] = [],
): Promise<PointerReference[]> {
  const selections = await selectTracked(ws, cwd, targets);
  return uniqueTracked(selections).map((tracked) => ({
    digest: tracked.pointer.digest,
    directory: tracked.directory,
    source: tracked.pointerPath,
  }));
}

/** The digests named by the workspace's pointer files as they are at a git revision. */
export async function revisionReferences(ws: Workspace, rev: string): Promise<PointerReference[]> {
  const commit = await requireCommit(ws.root, rev);
  const pointers = await pointersAtRevision(ws, commit, rev);
  return pointers.map((p) => ({ digest: p.pointer.digest, directory: p.directory, source: `${rev}:${p.pointerPath}` }));
}

/** The digests named by every pointer file in the workspace (working tree). */
export async function workspaceReferences(ws: Workspace): Promise<PointerReference[]> {
  const paths = await listWorkspacePointers(ws);
  const pointers = await Promise.all(paths.map((path) => readPointerFile(`${ws.root}/${path}`, path)));
  return pointers.map((p, i) => ({ digest: p.digest, directory: isDirectoryPointer(p), source: paths[i] as string }));
}

/**
 * The digests named by pointer files anywhere in the git history (`all-commits`) or at branch tips
 * (`all-branches`): one `git rev-list --objects` lists every pointer blob once, one `git cat-file --batch` reads them.
 */
export async function historyReferences(ws: Workspace, scope: Exclude<ReferenceScope, 'workspace'>) {
  const args =
    scope === 'all-commits' ? ['rev-list', '--objects', '--all'] : ['rev-list', '--objects', '--no-walk', '--branches'];
  const blobs = new Map<string, string>();
  await streamGitLines(ws.root, args, (line) => {
    const space = line.indexOf(' ');
    const path = space === -1 ? '' : line.slice(space + 1);
    if (isPointerPath(path)) blobs.set(line.slice(0, space), path);
  });
  const reader = new GitBlobReader(ws.root);
  try {
    const references: PointerReference[] = [];
    for (const [oid, path] of blobs) {
      const bytes = await reader.read(oid);
      if (bytes === undefined) continue;
      const pointer = parsePointer(bytes.toString('utf8'), `${path} (git blob ${oid.slice(0, 12)})`);
      references.push({
        digest: pointer.digest,
        directory: isDirectoryPointer(pointer),
        source: `${path}@${oid.slice(0, 12)}`,
      });
    }
    return references;
  } finally {
    reader.close();
  }
}

export interface ExpandedReferences {
  readonly digests: Set<Digest>;
  /** Directory references whose tree object is not in the cache (their files could not be listed). */
  readonly unexpanded: PointerReference[];
}

/**
 * Every digest the references need: each one, and for a directory every object its tree lists. Digests from
 * providers (`extra`) are expanded when the object in the cache is a tree.
 */
export async function expandReferences(
  ws: Workspace,
  references: readonly PointerReference[],
  extra: Iterable<Digest> = [],
): Promise<ExpandedReferences> {
  const digests = new Set<Digest>();
  const unexpanded: PointerReference[] = [];
  const trees = new Map<Digest, PointerReference>();
  for (const reference of references) {
    digests.add(reference.digest);
    if (reference.directory) trees.set(reference.digest, reference);
  }
  for (const digest of extra) {
    digests.add(digest);
    if (!trees.has(digest) && (await isTreeObject(ws, digest)))
      trees.set(digest, { digest, directory: true, source: 'provider' });
  }
  for (const [digest, reference] of trees) {
    const tree = await tryReadTree(ws.cache.store, digest, reference.source);
    if (tree === undefined) unexpanded.push(reference);
    else for (const entry of tree) digests.add(entry.digest);
  }
  return { digests, unexpanded };
}

/** Whether the cached object starts like a tree object (cheap: reads its first bytes). */
export async function isTreeObject(ws: Workspace, digest: Digest): Promise<boolean> {
  const handle = await openFile(ws.cache.objectPath(digest), 'r').catch(() => undefined);
  if (handle === undefined) return false;
  try {
    const head = Buffer.alloc(TREE_PREFIX.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead).toString() === TREE_PREFIX;
  } finally {
    await handle.close();
  }
}

/** Collects the digests of every provider. */
export async function providerDigests(providers: readonly ReferenceProvider[]): Promise<Digest[]> {
  const out: Digest[] = [];
  for (const provider of providers) for await (const digest of provider.digests()) out.push(digest);
  return out;
}
