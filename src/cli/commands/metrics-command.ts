import type { Command } from 'commander';
import { diffMetrics } from '../../pipelines/diff-values.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { addDiffCommand } from './params-command-support.js';

/** `slipway metrics diff`. */
export const metricsCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const group = program.command('metrics').description('the metrics files the pipeline stages write');
    addDiffCommand(group, context, 'metrics', diffMetrics);
  },
};
