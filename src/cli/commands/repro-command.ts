import type { Command } from 'commander';
import { reproPipeline } from '../../pipelines/repro.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { outcomeLines, type RunStagesOptions, withStages } from './repro-command-support.js';
import { parsePositiveInt, printResult, withTrackingUriOption } from './tracking-command-support.js';

interface ReproOptions extends RunStagesOptions {
  readonly dry?: boolean;
}

async function runRepro(targets: string[], options: ReproOptions, context: CliContext): Promise<void> {
  const track = options.track && options.dry !== true;
  const result = await withStages(context, { ...options, track }, (ws, base) =>
    reproPipeline(ws, { ...base, targets, dry: options.dry }),
  );
  printResult(context, result, outcomeLines(result.stages));
}

/** `slipway repro [stage...]`. */
export const reproCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const command = program
      .command('repro')
      .description('run the stale stages of slipway.yaml in dependency order (each one a tracked run)')
      .argument('[stages...]', 'stages to bring up to date, with the stages they depend on (default: all)')
      .option('-j, --jobs <n>', 'run up to n independent stages at once (default 1)', parsePositiveInt)
      .option('-f, --force', 'run the stages even when up to date (and skip the run cache)')
      .option('--dry', 'only say which stages would run and why')
      .option('--no-track', 'do not record the stages as tracked runs');
    withTrackingUriOption(command).action((targets: string[], options: ReproOptions) =>
      runRepro(targets, options, context),
    );
  },
};
