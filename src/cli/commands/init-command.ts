import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { initWorkspace } from '../../data/init.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { print } from './data-command-support.js';

async function runInit(options: { scm: boolean }, context: CliContext): Promise<void> {
  const result = await initWorkspace({ cwd: context.cwd, noScm: !options.scm });
  await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  const verb = result.created ? 'Initialized' : 'Already initialized:';
  print(context, result, [
    `${verb} Slipway workspace in ${result.root}${result.git === undefined ? ' (no git)' : ''}`,
    ...(result.created
      ? ['Commit .slipway/config.yaml and .slipway/.gitignore; track data with `slipway add <path>`.']
      : []),
  ]);
}

/** `slipway init [--no-scm]`. */
export const initCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('init')
      .description('make the current directory a Slipway workspace (.slipway/ with config and cache)')
      .option('--no-scm', 'allow a workspace outside a git repository')
      .action((options: { scm: boolean }) => runInit(options, context));
  },
};
