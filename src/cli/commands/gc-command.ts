import { type Command, Option } from 'commander';
import { artifactReferences } from '../../artifacts/artifact-references.js';
import { loadConfig } from '../../config/load-config.js';
import { gcWorkspace } from '../../data/gc.js';
import type { ReferenceProvider, ReferenceScope } from '../../data/references.js';
import { invalidParameter } from '../../domain/errors.js';
import { registryReferences } from '../../registry/registry-references.js';
import { openMetadata } from '../../storage/metadata/open-metadata.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { formatBytes, print, withWorkspace } from './data-command-support.js';

interface GcOptions {
  readonly workspace?: boolean;
  readonly allBranches?: boolean;
  readonly allCommits?: boolean;
  readonly dryRun?: boolean;
  readonly cloud?: boolean;
  readonly remote?: string;
}

function scopeOf(options: GcOptions): ReferenceScope {
  const chosen = [
    options.workspace === true ? 'workspace' : undefined,
    options.allBranches === true ? 'all-branches' : undefined,
    options.allCommits === true ? 'all-commits' : undefined,
  ].filter((scope): scope is ReferenceScope => scope !== undefined);
  if (chosen.length > 1) throw invalidParameter('Choose one of --workspace, --all-branches and --all-commits.');
  return chosen[0] ?? 'workspace';
}

async function runGc(options: GcOptions, context: CliContext): Promise<void> {
  const scope = scopeOf(options);
  if (options.cloud === true) {
    const { runGcCloud } = await import('./gc-cloud-output.js');
    return runGcCloud({ remote: options.remote, scope, dryRun: options.dryRun === true }, context);
  }
  if (options.remote !== undefined) {
    throw invalidParameter('-r/--remote applies to gc --cloud only.', { hint: 'Add --cloud to collect a remote.' });
  }
  const result = await withMetadataReferences(context, (providers) =>
    withWorkspace(context, (ws) => gcWorkspace(ws, { scope, dryRun: options.dryRun === true, providers })),
  );
  const verb = result.dryRun ? 'Would remove' : 'Removed';
  const lines = [
    ...(result.dryRun ? result.removed.map((digest) => `would remove ${digest}`) : []),
    `${verb} ${result.removed.length} object(s) (${formatBytes(result.removedBytes)}); kept ${result.kept} (scope: ${scope}).`,
    ...result.unexpanded.map(
      (r) => `warning: the tree ${r.digest} of ${r.source} is not in the cache; its files were not listed.`,
    ),
  ];
  print(context, result, lines);
}

const DIRECT_METADATA = /^(sqlite|postgres|postgresql):/i;

/**
 * Run artifacts and registered model versions live in the same object store as the workspace cache when the
 * tracking store is direct (the embedded default): gc keeps what they reference.
 */
async function withMetadataReferences<T>(
  context: CliContext,
  fn: (providers: ReferenceProvider[]) => Promise<T>,
): Promise<T> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  if (!DIRECT_METADATA.test(config.metadata.uri)) return fn([]);
  const metadata = await openMetadata(config.metadata.uri);
  try {
    return await fn([artifactReferences({ metadata }), registryReferences({ metadata })]);
  } finally {
    await metadata.close();
  }
}

/** `slipway gc [--workspace | --all-branches | --all-commits] [--dry-run]`. */
export const gcCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('gc')
      .description('delete cache objects that no pointer file (in the chosen scope) references')
      .option('-w, --workspace', 'keep what the workspace pointer files reference (default)')
      .option('-a, --all-branches', 'also keep what the pointer files at every branch tip reference')
      .option('-A, --all-commits', 'also keep what pointer files in any commit reference')
      .addOption(new Option('--dry-run', 'list what would be removed; remove nothing'))
      .option('-c, --cloud', 'collect a remote instead of the cache (docs/remotes.md)')
      .option('-r, --remote <name>', 'the remote for --cloud (default: core.remote)')
      .action((options: GcOptions) => runGc(options, context));
  },
};
