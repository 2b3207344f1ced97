import type { Command } from 'commander';
import { fetchFromRemote } from '../../data/remote/fetch.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { print, progressLine } from './data-command-support.js';
import {
  failIfIncomplete,
  parseJobs,
  type TransferOptions,
  transferLines,
  withRemote,
} from './remote-command-support.js';

async function runFetch(targets: string[], options: TransferOptions, context: CliContext): Promise<void> {
  const progress = progressLine(context);
  const report = await withRemote(context, options.remote, (ws, remote) =>
    fetchFromRemote(ws, remote, { cwd: context.cwd, targets, jobs: options.jobs, onProgress: progress }),
  );
  progress.done();
  print(context, report, transferLines('Fetched', 'from', report));
  failIfIncomplete('fetched', report);
}

/** `slipway fetch [targets...] [-r remote] [-j N]`: into the cache only; the workspace files are not touched. */
export const fetchCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('fetch')
      .description('copy the objects tracked data needs from a remote into the cache (workspace files untouched)')
      .argument('[targets...]', 'tracked paths, pointer files or folders (default: everything)')
      .option('-r, --remote <name>', 'the remote (default: core.remote)')
      .option('-j, --jobs <n>', 'objects transferred at once (default 8)', parseJobs)
      .action((targets: string[], options: TransferOptions) => runFetch(targets, options, context));
  },
};
