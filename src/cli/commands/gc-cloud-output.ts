import type { ReferenceScope } from '../../data/references.js';
import { gcRemote } from '../../data/remote/gc-remote.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes, print } from './data-command-support.js';
import { withRemote } from './remote-command-support.js';

export interface GcCloudOptions {
  readonly remote?: string | undefined;
  readonly scope: ReferenceScope;
  readonly dryRun: boolean;
}

/** `slipway gc --cloud [-r NAME] [--dry-run]`: deletes the remote's objects nothing in scope references. */
export async function runGcCloud(options: GcCloudOptions, context: CliContext): Promise<void> {
  const result = await withRemote(context, options.remote, (ws, remote) =>
    gcRemote(ws, remote, { scope: options.scope, dryRun: options.dryRun }),
  );
  const verb = result.dryRun ? 'Would remove' : 'Removed';
  print(context, result, [
    ...(result.dryRun ? result.removed.map((digest) => `would remove ${digest}`) : []),
    `${verb} ${result.removed.length} object(s) (${formatBytes(result.removedBytes)}) from ${result.remote} (${result.url}); kept ${result.kept} (scope: ${result.scope}).`,
    ...result.unexpanded.map(
      (r) => `warning: the tree ${r.digest} of ${r.source} is in neither store; its files were not kept by name.`,
    ),
  ]);
}
