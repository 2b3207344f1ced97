import { selectTracked } from '../pointer/tracked.js';
import type { ProgressListener } from '../progress.js';
import type { Workspace } from '../workspace/workspace.js';
import { acquireWorkspaceLock } from '../workspace/workspace-lock.js';
import type { OpenRemote } from './open-remote.js';
import { referencedObjects } from './referenced-objects.js';
import { addTransfers, transferObjects } from './transfer-objects.js';
import { type TransferReport, transferReport } from './transfer-report.js';

export interface TransferCommandInput {
  readonly cwd: string;
  /** Tracked paths, pointer files or folders; all pointer files when empty. */
  readonly targets?: readonly string[];
  readonly jobs?: number;
  readonly onProgress?: ProgressListener;
}

const commandLine = (verb: string, targets: readonly string[] | undefined) =>
  `slipway ${verb} ${(targets ?? []).join(' ')}`.trim();

/**
 * `slipway push`: copies the objects the targets reference (directories expanded) from the cache to the remote,
 * only those the remote lacks. Files go before the tree objects that list them, so a tree on the remote means its
 * files are there too. Objects absent from the cache and from the remote are reported as failures.
 */
export async function pushToRemote(
  ws: Workspace,
  remote: OpenRemote,
  input: TransferCommandInput,
): Promise<TransferReport> {
  const lock = await acquireWorkspaceLock(ws.dotDir, commandLine('push', input.targets));
  try {
    const refs = await referencedObjects(await selectTracked(ws, input.cwd, input.targets ?? []), [ws.cache.store]);
    const common = {
      from: ws.cache.store,
      to: remote.store,
      jobs: input.jobs,
      phase: 'pushing',
      onProgress: input.onProgress,
    };
    const files = await transferObjects({ ...common, digests: refs.entries });
    const roots = await transferObjects({ ...common, digests: [...refs.roots].filter((d) => !refs.entries.has(d)) });
    return transferReport(remote, addTransfers(files, roots), refs);
  } finally {
    await lock.release();
  }
}

export { commandLine };
