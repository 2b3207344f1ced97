import type { Command } from 'commander';
import { pushToRemote } from '../../data/remote/push.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { print, progressLine } from './data-command-support.js';
import {
  failIfIncomplete,
  parseJobs,
  type TransferOptions,
  transferLines,
  withRemote,
} from './remote-command-support.js';

async function runPush(targets: string[], options: TransferOptions, context: CliContext): Promise<void> {
  const progress = progressLine(context);
  const report = await withRemote(context, options.remote, (ws, remote) =>
    pushToRemote(ws, remote, { cwd: context.cwd, targets, jobs: options.jobs, onProgress: progress }),
  );
  progress.done();
  print(context, report, transferLines('Pushed', 'to', report));
  failIfIncomplete('pushed', report);
}

/** `slipway push [targets...] [-r remote] [-j N]`. */
export const pushCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('push')
      .description('copy the objects tracked data needs to a remote (only what it lacks)')
      .argument('[targets...]', 'tracked paths, pointer files or folders (default: everything)')
      .option('-r, --remote <name>', 'the remote (default: core.remote)')
      .option('-j, --jobs <n>', 'objects transferred at once (default 8)', parseJobs)
      .action((targets: string[], options: TransferOptions) => runPush(targets, options, context));
  },
};
