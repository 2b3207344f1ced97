import type { Command } from 'commander';
import { listTracked } from '../../data/ls.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { formatBytes, print, withWorkspace } from './data-command-support.js';

async function runLs(target: string | undefined, context: CliContext): Promise<void> {
  const entries = await withWorkspace(context, (ws) =>
    listTracked(ws, { cwd: context.cwd, ...(target === undefined ? {} : { target }) }),
  );
  const lines = entries.map((e) => {
    const what = e.kind === 'directory' ? `${e.files} files` : '';
    return `${e.digest.slice(0, 19)}  ${formatBytes(e.size).padStart(10)}  ${e.path}${e.kind === 'directory' ? '/' : ''}  ${what}`.trimEnd();
  });
  print(
    context,
    entries,
    lines.length === 0 ? ['Nothing is tracked yet; track data with `slipway add <path>`.'] : lines,
  );
}

/** `slipway ls [target]`. */
export const lsCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('ls')
      .description('list tracked files and directories, or the files inside a tracked directory')
      .argument('[target]', 'a tracked directory (lists its files), or a folder holding pointer files')
      .action((target: string | undefined) => runLs(target, context));
  },
};
