import type { Command } from 'commander';
import { pullFromRemote } from '../../data/remote/pull.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { print, progressLine } from './data-command-support.js';
import {
  failIfIncomplete,
  parseJobs,
  type TransferOptions,
  transferLines,
  withRemote,
} from './remote-command-support.js';

interface PullOptions extends TransferOptions {
  readonly force?: boolean;
}

async function runPull(targets: string[], options: PullOptions, context: CliContext): Promise<void> {
  const progress = progressLine(context);
  const input = { cwd: context.cwd, targets, jobs: options.jobs, onProgress: progress, force: options.force === true };
  const report = await withRemote(context, options.remote, (ws, remote) => pullFromRemote(ws, remote, input));
  progress.done();
  const checkout = report.checkout;
  const checkedOut =
    checkout === undefined
      ? ['Checkout was not run: some objects could not be fetched.']
      : [`${checkout.written.length} written, ${checkout.removed.length} removed, ${checkout.unchanged} unchanged.`];
  print(context, report, [...transferLines('Fetched', 'from', report), ...checkedOut]);
  failIfIncomplete('fetched', report);
}

/** `slipway pull [targets...] [-r remote] [-j N] [--force]`: fetch, then checkout. */
export const pullCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('pull')
      .description('fetch tracked data from a remote and check it out into the workspace')
      .argument('[targets...]', 'tracked paths, pointer files or folders (default: everything)')
      .option('-r, --remote <name>', 'the remote (default: core.remote)')
      .option('-j, --jobs <n>', 'objects transferred at once (default 8)', parseJobs)
      .option('-f, --force', 'overwrite or delete local changes that are not in the cache')
      .action((targets: string[], options: PullOptions) => runPull(targets, options, context));
  },
};
