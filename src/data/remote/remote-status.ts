import type { Digest } from '../../domain/digest.js';
import { missingObjects } from '../cache/missing-objects.js';
import { selectTracked } from '../pointer/tracked.js';
import type { Workspace } from '../workspace/workspace.js';
import type { OpenRemote } from './open-remote.js';
import { referencedObjects } from './referenced-objects.js';

/** Objects in one state, and the workspace paths that use them. */
export interface RemoteStatusGroup {
  readonly objects: number;
  /** Sorted workspace paths (a directory's tree object shows as `dir/`). */
  readonly paths: string[];
}

export interface RemoteStatus {
  readonly remote: string;
  readonly url: string;
  /** In the cache, not on the remote: `slipway push` would copy them. */
  readonly toPush: RemoteStatusGroup;
  /** On the remote, not in the cache: `slipway pull` would copy them. */
  readonly toPull: RemoteStatusGroup;
  /** In neither store. */
  readonly missing: RemoteStatusGroup;
  /** In both. */
  readonly inSync: number;
  /** Tracked directories whose tree object neither store has. */
  readonly unexpanded: ReadonlyArray<{ readonly pointer: string; readonly digest: Digest }>;
}

const group = (digests: readonly Digest[], paths: ReadonlyMap<Digest, string[]>): RemoteStatusGroup => ({
  objects: digests.length,
  paths: [...new Set(digests.flatMap((digest) => paths.get(digest) ?? []))].sort(),
});

/**
 * `slipway status --remote NAME`: the objects the targets reference (trees read from the cache, else from the
 * remote), compared between the cache and the remote. One batched existence check on each side; nothing moves.
 */
export async function remoteStatus(
  ws: Workspace,
  remote: OpenRemote,
  input: { readonly cwd: string; readonly targets?: readonly string[] },
): Promise<RemoteStatus> {
  const selections = await selectTracked(ws, input.cwd, input.targets ?? []);
  const refs = await referencedObjects(selections, [ws.cache.store, remote.store]);
  const all = [...new Set([...refs.roots, ...refs.entries])];
  const local = await missingObjects(ws, all);
  const there = new Set(await remote.store.missing(all));
  const pick = (test: (digest: Digest) => boolean) => all.filter(test);
  return {
    remote: remote.name,
    url: remote.url,
    toPush: group(
      pick((d) => !local.has(d) && there.has(d)),
      refs.paths,
    ),
    toPull: group(
      pick((d) => local.has(d) && !there.has(d)),
      refs.paths,
    ),
    missing: group(
      pick((d) => local.has(d) && there.has(d)),
      refs.paths,
    ),
    inSync: pick((d) => !local.has(d) && !there.has(d)).length,
    unexpanded: refs.unexpanded,
  };
}
