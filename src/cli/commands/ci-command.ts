import type { Command } from 'commander';
import { CI_PROVIDERS, initCiWorkflow } from '../../deploy/ci/init-ci-workflow.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { printResult } from './tracking-command-support.js';

interface CiInitOptions {
  readonly force?: boolean;
  readonly branch: string;
}

async function runCiInit(provider: string, options: CiInitOptions, context: CliContext): Promise<void> {
  const result = await initCiWorkflow({
    provider,
    root: context.cwd,
    force: options.force,
    branch: options.branch,
    slipwayVersion: context.version,
  });
  printResult(context, result, [
    `Wrote ${result.path}.`,
    'Add the secrets and the production approval it lists at its top, then commit it.',
  ]);
}

/** `slipway ci init github|gitlab [--force] [--branch main]`. */
export const ciCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const ci = program.command('ci').description('continuous delivery of models: CI workflow files');
    ci.command('init')
      .description('write a CI workflow: on push repro and release to staging; promote to production on approval')
      .argument('<provider>', CI_PROVIDERS.join(' | '))
      .option('-f, --force', 'replace an existing workflow file')
      .option('--branch <name>', 'the branch whose pushes release to staging', 'main')
      .action((provider: string, options: CiInitOptions) => runCiInit(provider, options, context));
  },
};
