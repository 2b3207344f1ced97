import { InvalidArgumentError } from 'commander';
import type { Config } from '../../config/config-schema.js';
import { loadConfig } from '../../config/load-config.js';
import { type OpenRemote, openRemoteStore, resolveRemote } from '../../data/remote/open-remote.js';
import type { TransferReport } from '../../data/remote/transfer-report.js';
import { openWorkspace, type Workspace } from '../../data/workspace/workspace.js';
import { SlipwayError } from '../../domain/errors.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes } from './data-command-support.js';

export interface TransferOptions {
  readonly remote?: string;
  readonly jobs?: number;
}

/** `-j N`: 1 to 256 objects at once. */
export function parseJobs(value: string): number {
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 256) {
    throw new InvalidArgumentError('must be an integer from 1 to 256.');
  }
  return Number(value);
}

export const loadCliConfig = (context: CliContext): Promise<Config> =>
  loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });

/** Opens the workspace and the remote (`-r NAME`, else core.remote), runs `fn`, and closes both. */
export async function withRemote<T>(
  context: CliContext,
  remoteName: string | undefined,
  fn: (ws: Workspace, remote: OpenRemote) => Promise<T>,
): Promise<T> {
  const config = await loadCliConfig(context);
  const resolved = resolveRemote(config, context.env, remoteName);
  const ws = await openWorkspace({
    root: config.workspaceRoot,
    cacheUri: config.objects.uri,
    linkMode: config.cache.linkMode,
  });
  try {
    const store = await openRemoteStore(resolved);
    try {
      return await fn(ws, { name: resolved.name, url: resolved.url, store });
    } finally {
      await store.close();
    }
  } finally {
    await ws.close();
  }
}

const MAX_LISTED = 20;

/** The lines of a transfer summary, failures first. */
export function transferLines(verb: string, direction: 'to' | 'from', report: TransferReport): string[] {
  const failures = report.failures.slice(0, MAX_LISTED).map((failure) => {
    const where = failure.paths.length > 0 ? ` ${failure.paths.slice(0, 3).join(', ')}` : '';
    return `failed  ${failure.digest}${where}: ${failure.message}`;
  });
  const more =
    report.failures.length > MAX_LISTED ? [`… and ${report.failures.length - MAX_LISTED} more failures`] : [];
  const unexpanded = report.unexpanded.map(
    (item) =>
      `warning: the tree ${item.digest} of ${item.pointer} is in neither store; its files were not transferred.`,
  );
  const summary = `${verb} ${report.transferred} object(s) (${formatBytes(report.bytes)}) ${direction} ${report.remote} (${report.url}); ${report.present} already there.`;
  return [...failures, ...more, ...unexpanded, summary];
}

/** A transfer with failures exits non-zero: the code of the failures (CORRUPT_OBJECT first), the count, the fix. */
export function failIfIncomplete(verb: string, report: TransferReport): void {
  if (report.failures.length === 0) return;
  const corrupt = report.failures.find((failure) => failure.code === 'CORRUPT_OBJECT');
  const code = (corrupt ?? report.failures[0])?.code ?? 'INTERNAL_ERROR';
  throw new SlipwayError(code, `${report.failures.length} object(s) could not be ${verb}; the others were.`, {
    hint:
      code === 'RESOURCE_DOES_NOT_EXIST'
        ? 'The objects listed are in neither store: push them from a workspace that has them, or re-add the data.'
        : 'See the objects listed above; run the command again once the cause is fixed (only what is missing moves).',
  });
}
