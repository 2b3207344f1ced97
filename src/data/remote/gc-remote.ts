import type { Digest } from '../../domain/digest.js';
import { collectReferences, type SweepResult, sweepStore } from '../gc.js';
import type { ReferenceProvider, ReferenceScope } from '../references.js';
import { tryReadTree } from '../tree/tree-store.js';
import type { Workspace } from '../workspace/workspace.js';
import { acquireWorkspaceLock } from '../workspace/workspace-lock.js';
import type { OpenRemote } from './open-remote.js';

export interface GcRemoteInput {
  readonly scope?: ReferenceScope;
  readonly dryRun?: boolean;
  readonly providers?: readonly ReferenceProvider[];
}

export interface GcRemoteResult extends SweepResult {
  readonly remote: string;
  readonly url: string;
  readonly scope: ReferenceScope;
  readonly dryRun: boolean;
  /** Directory references whose tree object neither the cache nor the remote has. */
  readonly unexpanded: ReadonlyArray<{ readonly digest: Digest; readonly source: string }>;
}

/**
 * `slipway gc --cloud -r NAME`: deletes the remote's objects that nothing in scope references (pointer files of
 * the workspace, and of the git history for wider scopes, plus reference providers). Trees missing from the cache
 * are read from the remote, so the files of directories never pulled here are kept. Only stores that delete
 * (a folder, S3; a Slipway server only with server.objectDelete) can be swept; `dryRun` deletes nothing.
 */
export async function gcRemote(ws: Workspace, remote: OpenRemote, input: GcRemoteInput = {}): Promise<GcRemoteResult> {
  const scope = input.scope ?? 'workspace';
  const dryRun = input.dryRun === true;
  const lock = await acquireWorkspaceLock(
    ws.dotDir,
    `slipway gc --cloud -r ${remote.name}${dryRun ? ' --dry-run' : ''}`,
  );
  try {
    const { digests, unexpanded } = await collectReferences(ws, scope, input.providers ?? []);
    const keep = new Set(digests);
    const stillUnexpanded: GcRemoteResult['unexpanded'][number][] = [];
    for (const reference of unexpanded) {
      const tree = await tryReadTree(remote.store, reference.digest, reference.source);
      if (tree === undefined) stillUnexpanded.push({ digest: reference.digest, source: reference.source });
      else for (const entry of tree) keep.add(entry.digest);
    }
    const swept = await sweepStore(remote.store, keep, dryRun);
    return { remote: remote.name, url: remote.url, scope, dryRun, ...swept, unexpanded: stillUnexpanded };
  } finally {
    await lock.release();
  }
}
