import type { Command } from 'commander';
import type { OpenRemote } from '../../data/remote/open-remote.js';
import type { TransferCommandInput } from '../../data/remote/push.js';
import type { TransferReport } from '../../data/remote/transfer-report.js';
import type { Workspace } from '../../data/workspace/workspace.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { print, progressLine } from './data-command-support.js';
import {
  failIfIncomplete,
  parseJobs,
  type TransferOptions,
  transferLines,
  withRemote,
} from './remote-command-support.js';

/** What differs between `push` and `fetch`: the name, the words of the summary and the transfer itself. */
export interface TransferCommandSpec {
  readonly name: string;
  readonly description: string;
  /** 'Pushed' / 'Fetched', and whether objects went 'to' or came 'from' the remote. */
  readonly done: string;
  readonly direction: 'to' | 'from';
  readonly transfer: (ws: Workspace, remote: OpenRemote, input: TransferCommandInput) => Promise<TransferReport>;
}

async function runTransfer(
  spec: TransferCommandSpec,
  targets: string[],
  options: TransferOptions,
  context: CliContext,
) {
  const progress = progressLine(context);
  const report = await withRemote(context, options.remote, (ws, remote) =>
    spec.transfer(ws, remote, { cwd: context.cwd, targets, jobs: options.jobs, onProgress: progress }),
  );
  progress.done();
  print(context, report, transferLines(spec.done, spec.direction, report));
  failIfIncomplete(spec.done.toLowerCase(), report);
}

/** `slipway <push|fetch> [targets...] [-r remote] [-j N]`. */
export function transferCommand(spec: TransferCommandSpec): CommandModule {
  return {
    register(program: Command, context: CliContext): void {
      program
        .command(spec.name)
        .description(spec.description)
        .argument('[targets...]', 'tracked paths, pointer files or folders (default: everything)')
        .option('-r, --remote <name>', 'the remote (default: core.remote)')
        .option('-j, --jobs <n>', 'objects transferred at once (default 8)', parseJobs)
        .action((targets: string[], options: TransferOptions) => runTransfer(spec, targets, options, context));
    },
  };
}
