import type { Digest } from '../domain/digest.js';
import { invalidParameter } from '../domain/errors.js';
import type { ObjectStore } from '../storage/objects/types.js';
import { removeStaleObjectTemps } from './cache/stale-temps.js';
import {
  expandReferences,
  historyReferences,
  type PointerReference,
  providerDigests,
  type ReferenceProvider,
  type ReferenceScope,
  workspaceReferences,
} from './references.js';
import type { Workspace } from './workspace/workspace.js';
import { acquireWorkspaceLock } from './workspace/workspace-lock.js';

export interface GcInput {
  /** Default `workspace`. Wider scopes keep the workspace's references too. */
  readonly scope?: ReferenceScope;
  readonly dryRun?: boolean;
  /** Extra references (the model registry's pinned objects). */
  readonly providers?: readonly ReferenceProvider[];
}

export interface SweepResult {
  readonly removed: Digest[];
  readonly removedBytes: number;
  readonly kept: number;
}

export interface GcResult extends SweepResult {
  readonly scope: ReferenceScope;
  readonly dryRun: boolean;
  /** Directory references whose tree is not in the cache: their files could not be listed (nor kept by name). */
  readonly unexpanded: PointerReference[];
}

/** Every digest to keep for a scope: pointer files (workspace, plus history for wider scopes) and providers. */
export async function collectReferences(ws: Workspace, scope: ReferenceScope, providers: readonly ReferenceProvider[]) {
  if (scope !== 'workspace' && !ws.scm) {
    throw invalidParameter(`gc --${scope} reads the git history, but this workspace is not in a git repository.`, {
      hint: 'Use `slipway gc --workspace`.',
    });
  }
  const references = await workspaceReferences(ws);
  if (scope !== 'workspace') references.push(...(await historyReferences(ws, scope)));
  return expandReferences(ws, references, await providerDigests(providers));
}

/**
 * Deletes (or with `dryRun` only lists) every object of `store` not in `keep`. Written over the ObjectStore port,
 * so the same sweep serves the workspace cache and, later, a remote (`gc --cloud`).
 */
export async function sweepStore(store: ObjectStore, keep: ReadonlySet<Digest>, dryRun: boolean): Promise<SweepResult> {
  const removed: Digest[] = [];
  let removedBytes = 0;
  let kept = 0;
  for await (const digest of store.list()) {
    if (keep.has(digest)) {
      kept += 1;
      continue;
    }
    removedBytes += (await store.stat(digest))?.size ?? 0;
    if (!dryRun) await store.delete(digest);
    removed.push(digest);
  }
  return { removed, removedBytes, kept };
}

/** `slipway gc`: removes cache objects that no pointer file in scope and no reference provider needs. */
export async function gcWorkspace(ws: Workspace, input: GcInput = {}): Promise<GcResult> {
  const scope = input.scope ?? 'workspace';
  const dryRun = input.dryRun === true;
  const lock = await acquireWorkspaceLock(ws.dotDir, `slipway gc --${scope}${dryRun ? ' --dry-run' : ''}`);
  try {
    const { digests, unexpanded } = await collectReferences(ws, scope, input.providers ?? []);
    const swept = await sweepStore(ws.cache.store, digests, dryRun);
    if (!dryRun) await removeStaleObjectTemps(ws.cache);
    return { scope, dryRun, ...swept, unexpanded };
  } finally {
    await lock.release();
  }
}
