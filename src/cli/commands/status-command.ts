import type { Command } from 'commander';
import { workspaceStatus } from '../../data/status.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { print, progressLine, withWorkspace } from './data-command-support.js';

interface StatusOptions {
  readonly remote?: string;
}

async function runStatus(targets: string[], options: StatusOptions, context: CliContext): Promise<void> {
  if (options.remote !== undefined) {
    const { runRemoteStatus } = await import('./remote-status-output.js');
    return runRemoteStatus(targets, options.remote, context);
  }
  const progress = progressLine(context);
  const result = await withWorkspace(context, (ws) =>
    workspaceStatus(ws, { cwd: context.cwd, targets, onProgress: progress }),
  );
  progress.done();
  const lines = result.clean
    ? ['Data and pointer files are up to date.']
    : result.tracked.flatMap((t) => [
        `${t.pointer}:`,
        ...t.changes.map((c) => `\t${`${c.change}:`.padEnd(14)}${c.path}`),
      ]);
  print(context, result, lines);
}

/** `slipway status [targets...]`. */
export const statusCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('status')
      .description('show tracked data that differs from its pointer files (new, modified, deleted, not in cache)')
      .argument('[targets...]', 'tracked paths or folders (default: everything)')
      .option('-r, --remote <name>', 'compare the cache with a remote instead: to push, to pull (docs/remotes.md)')
      .action((targets: string[], options: StatusOptions) => runStatus(targets, options, context));
  },
};
