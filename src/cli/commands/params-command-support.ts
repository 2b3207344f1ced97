import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { notAWorkspace } from '../../data/workspace/workspace.js';
import type { DiffInput, ValuesDiff } from '../../pipelines/diff-values.js';
import type { CliContext } from '../cli-context.js';
import { printResult, table } from './tracking-command-support.js';

interface DiffOptions {
  readonly all?: boolean;
}

const show = (value: unknown): string =>
  value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value);

/** Adds `<group> diff [rev_a] [rev_b] [--all]`, printing what `diff` returns as a table (or JSON). */
export function addDiffCommand(
  group: Command,
  context: CliContext,
  what: string,
  diff: (input: DiffInput) => Promise<ValuesDiff>,
): void {
  group
    .command('diff')
    .description(`compare ${what} between two git revisions, or a revision (default HEAD) and the workspace`)
    .argument('[rev_a]', 'the old side (default HEAD)')
    .argument('[rev_b]', 'the new side (default: the workspace)')
    .option('--all', 'also list values that did not change')
    .action(async (revA: string | undefined, revB: string | undefined, options: DiffOptions) => {
      const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
      if (config.workspaceRoot === undefined) throw notAWorkspace();
      const result = await diff({ root: config.workspaceRoot, revA, revB, all: options.all });
      const rows = result.changes.map((c) => [`${c.file}:${c.key}`, show(c.old), show(c.new), show(c.change)]);
      const lines =
        rows.length === 0
          ? [`No ${what} changed between ${result.a} and ${result.b}.`]
          : table(['KEY', result.a, result.b, 'CHANGE'], rows);
      printResult(context, result, lines);
    });
}
