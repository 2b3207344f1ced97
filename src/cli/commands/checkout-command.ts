import type { Command } from 'commander';
import type { LinkMode } from '../../config/config-schema.js';
import { checkoutWorkspace } from '../../data/checkout.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { parseLinkMode, print, progressLine, withWorkspace } from './data-command-support.js';

interface CheckoutOptions {
  readonly force?: boolean;
  readonly linkMode?: LinkMode;
}

async function runCheckout(targets: string[], options: CheckoutOptions, context: CliContext): Promise<void> {
  const progress = progressLine(context);
  const result = await withWorkspace(context, (ws) =>
    checkoutWorkspace(ws, { cwd: context.cwd, targets, ...options, onProgress: progress }),
  );
  progress.done();
  print(context, result, [
    ...result.written.map((path) => `written  ${path}`),
    ...result.removed.map((path) => `removed  ${path}`),
    `${result.written.length} written, ${result.removed.length} removed, ${result.unchanged} unchanged.`,
  ]);
}

/** `slipway checkout [targets...] [--force]`. */
export const checkoutCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('checkout')
      .description('make tracked data match the pointer files (after git checkout, pull, …)')
      .argument('[targets...]', 'tracked paths, folders, or files inside a tracked directory (default: everything)')
      .option('-f, --force', 'overwrite or delete local changes that are not in the cache')
      .option(
        '--link-mode <mode>',
        'copy, reflink, hardlink or symlink (default: cache.linkMode, else copy)',
        parseLinkMode,
      )
      .action((targets: string[], options: CheckoutOptions) => runCheckout(targets, options, context));
  },
};
