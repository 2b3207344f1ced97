import type { Command } from 'commander';
import { expRun } from '../../pipelines/exp-run.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { outcomeLines, type RunStagesOptions, withStages } from './repro-command-support.js';
import { collect, parsePositiveInt, printResult, withTrackingUriOption } from './tracking-command-support.js';

interface ExpRunOptions extends RunStagesOptions {
  readonly setParam: string[];
}

async function runExp(targets: string[], options: ExpRunOptions, context: CliContext): Promise<void> {
  const result = await withStages(context, options, (ws, base) =>
    expRun(ws, { ...base, targets, overrides: options.setParam }),
  );
  const metrics = Object.entries(result.metrics).flatMap(([file, values]) =>
    Object.entries(values).map(([key, value]) => `  ${file}:${key} = ${value}`),
  );
  const lines = [...outcomeLines(result.stages), ...(metrics.length > 0 ? ['Metrics:', ...metrics] : [])];
  lines.push('The workspace (params, slipway.lock, outputs) is as it was before the experiment.');
  printResult(context, result, lines);
}

/** `slipway exp run`. */
export const expCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const exp = program.command('exp').description('run experiments: the pipeline with params overridden');
    const run = exp
      .command('run')
      .description('run the pipeline with -S overrides as tracked runs; committed params stay untouched')
      .argument('[stages...]', 'stages to run, with the stages they depend on (default: all)')
      .requiredOption(
        '-S, --set-param <key=value>',
        'override a param: train.lr=0.1 or file.yaml:key=value',
        collect,
        [],
      )
      .option('-j, --jobs <n>', 'run up to n independent stages at once (default 1)', parsePositiveInt)
      .option('-f, --force', 'run the stages even when the run cache has their outputs')
      .option('--no-track', 'do not record the stages as tracked runs');
    withTrackingUriOption(run).action((targets: string[], options: ExpRunOptions) => runExp(targets, options, context));
  },
};
