import type { Command } from 'commander';
import { diffData, splitDiffArguments } from '../../data/diff.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { formatBytes, print, progressLine, withWorkspace } from './data-command-support.js';

async function runDiff(args: string[], context: CliContext): Promise<void> {
  const progress = progressLine(context);
  const result = await withWorkspace(context, async (ws) => {
    const split = await splitDiffArguments(ws, args);
    return diffData(ws, { cwd: context.cwd, ...split, onProgress: progress });
  });
  progress.done();
  const lines = [
    ...result.added.map((f) => `added     ${f.path} (${formatBytes(f.size)})`),
    ...result.modified.map((f) => `modified  ${f.path} (${formatBytes(f.oldSize)} → ${formatBytes(f.newSize)})`),
    ...result.deleted.map((f) => `deleted   ${f.path} (${formatBytes(f.size)})`),
  ];
  const total = result.added.length + result.modified.length + result.deleted.length;
  lines.push(
    total === 0
      ? `No data changes between ${result.from} and ${result.to}.`
      : `${result.added.length} added, ${result.modified.length} modified, ${result.deleted.length} deleted (${result.from} → ${result.to}).`,
  );
  print(context, result, lines);
}

/** `slipway diff [rev_a] [rev_b] [targets...]`. */
export const diffCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('diff')
      .description('per-file changes in tracked data between two git revisions, or a revision (HEAD) and the workspace')
      .argument('[args...]', '[rev_a] [rev_b] [targets…]: leading arguments that name commits are revisions')
      .action((args: string[]) => runDiff(args, context));
  },
};
