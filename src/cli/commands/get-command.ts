import { join } from 'node:path';
import type { Command } from 'commander';
import { WORKSPACE_DIR } from '../../config/find-workspace-root.js';
import { getFromRepo } from '../../data/remote/get/get-from-repo.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { formatBytes, print, progressLine } from './data-command-support.js';
import { loadCliConfig, parseJobs } from './remote-command-support.js';

interface GetOptions {
  readonly rev?: string;
  readonly out?: string;
  readonly force?: boolean;
  readonly jobs?: number;
}

async function runGet(repo: string, path: string, options: GetOptions, context: CliContext): Promise<void> {
  const config = await loadCliConfig(context);
  // Inside a workspace its cache is reused; elsewhere the user's cache, ~/.slipway/cache.
  const cacheUri =
    config.workspaceRoot === undefined ? join(context.homeDir, WORKSPACE_DIR, 'cache') : config.objects.uri;
  const cache = await openObjectStore(cacheUri);
  const progress = progressLine(context);
  try {
    const { cwd, env } = context;
    const result = await getFromRepo({ repo, path, cwd, env, config, cache, onProgress: progress, ...options });
    progress.done();
    const what = result.kind === 'directory' ? `${result.files} file(s)` : 'file';
    print(context, result, [
      `Wrote ${result.out} (${what}) from ${result.repo}@${result.commit.slice(0, 12)} via ${result.remote.name} (${result.remote.url}); fetched ${result.transfer.transferred} object(s), ${formatBytes(result.transfer.bytes)}.`,
    ]);
  } finally {
    await cache.close();
  }
}

/** `slipway get <repo> <path> [--rev REV] [-o out]`. */
export const getCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('get')
      .description("download a tracked file or directory from another repository's default remote")
      .argument('<repo>', 'a git URL or a local path of a repository with a Slipway workspace')
      .argument('<path>', 'the tracked path in that repository (or a path inside a tracked directory)')
      .option('--rev <rev>', 'a branch, tag or commit (default: the remote HEAD)')
      .option('-o, --out <path>', 'where to write it (default: its base name here)')
      .option('-f, --force', 'replace the output if it exists')
      .option('-j, --jobs <n>', 'objects transferred at once (default 8)', parseJobs)
      .action((repo: string, path: string, options: GetOptions) => runGet(repo, path, options, context));
  },
};
