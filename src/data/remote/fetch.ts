import { selectTracked } from '../pointer/tracked.js';
import type { Workspace } from '../workspace/workspace.js';
import { acquireWorkspaceLock } from '../workspace/workspace-lock.js';
import type { OpenRemote } from './open-remote.js';
import { commandLine, type TransferCommandInput } from './push.js';
import { referencedObjects } from './referenced-objects.js';
import { addTransfers, transferObjects } from './transfer-objects.js';
import { type TransferReport, transferReport } from './transfer-report.js';

/**
 * `slipway fetch`: copies the objects the targets reference from the remote into the cache (the workspace files
 * are not touched), only those the cache lacks. First the tracked files and tree objects, then the files the
 * trees list. Every object is verified before it appears in the cache; a rerun fetches only what is still missing.
 */
export async function fetchFromRemote(
  ws: Workspace,
  remote: OpenRemote,
  input: TransferCommandInput,
): Promise<TransferReport> {
  const lock = await acquireWorkspaceLock(ws.dotDir, commandLine('fetch', input.targets));
  try {
    const selections = await selectTracked(ws, input.cwd, input.targets ?? []);
    const common = {
      from: remote.store,
      to: ws.cache.store,
      jobs: input.jobs,
      phase: 'fetching',
      onProgress: input.onProgress,
    };
    const pointed = await referencedObjects(selections, []);
    const roots = await transferObjects({ ...common, digests: pointed.roots });
    const refs = await referencedObjects(selections, [ws.cache.store]);
    const files = await transferObjects({ ...common, digests: [...refs.entries].filter((d) => !refs.roots.has(d)) });
    return transferReport(remote, addTransfers(roots, files), refs);
  } finally {
    await lock.release();
  }
}
