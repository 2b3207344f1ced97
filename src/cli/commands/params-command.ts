import type { Command } from 'commander';
import { diffParams } from '../../pipelines/diff-values.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { addDiffCommand } from './params-command-support.js';

/** `slipway params diff`. */
export const paramsCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const group = program.command('params').description('the params the pipeline stages read');
    addDiffCommand(group, context, 'params', diffParams);
  },
};
