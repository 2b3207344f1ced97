import type { Command } from 'commander';
import type { LinkMode } from '../../config/config-schema.js';
import { addToWorkspace } from '../../data/add.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { formatBytes, parseLinkMode, print, progressLine, withWorkspace } from './data-command-support.js';

interface AddOptions {
  readonly linkMode?: LinkMode;
  readonly desc?: string;
}

async function runAdd(paths: string[], options: AddOptions, context: CliContext): Promise<void> {
  const progress = progressLine(context);
  const result = await withWorkspace(context, (ws) =>
    addToWorkspace(ws, { paths, cwd: context.cwd, ...options, onProgress: progress }),
  );
  progress.done();
  const lines = result.targets.map((t) => {
    const what = t.kind === 'directory' ? `${t.files} files, ${formatBytes(t.size)}` : formatBytes(t.size);
    return `${t.changed ? 'added' : 'unchanged'} ${t.path} (${what}) → ${t.pointer}`;
  });
  lines.push(`${result.hashed} file(s) hashed, ${result.stored} new object(s) in the cache.`);
  if (result.targets.some((t) => t.changed))
    lines.push(
      `Commit the pointer file(s) with git: git add ${result.targets.map((t) => t.pointer).join(' ')} .gitignore`,
    );
  print(context, result, lines);
}

/** `slipway add <path>...`. */
export const addCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('add')
      .description('track files or directories: store them in the cache and write <path>.slip pointer files')
      .argument('<paths...>', 'files or directories inside the workspace')
      .option(
        '--link-mode <mode>',
        'copy, reflink, hardlink or symlink (default: cache.linkMode, else copy)',
        parseLinkMode,
      )
      .option('--desc <text>', 'a description to write into the pointer file(s)')
      .action((paths: string[], options: AddOptions) => runAdd(paths, options, context));
  },
};
