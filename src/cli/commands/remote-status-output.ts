import { type RemoteStatusGroup, remoteStatus } from '../../data/remote/remote-status.js';
import type { CliContext } from '../cli-context.js';
import { print } from './data-command-support.js';
import { withRemote } from './remote-command-support.js';

const MAX_PATHS = 50;

const groupLines = (label: string, group: RemoteStatusGroup): string[] => {
  if (group.objects === 0) return [];
  const paths = group.paths.slice(0, MAX_PATHS).map((path) => `\t\t${path}`);
  const more = group.paths.length > MAX_PATHS ? [`\t\t… and ${group.paths.length - MAX_PATHS} more`] : [];
  return [`\t${`${label}:`.padEnd(10)}${group.objects} object(s)`, ...paths, ...more];
};

/** `slipway status --remote NAME [targets]`: cache against remote (to push, to pull, missing in both). */
export async function runRemoteStatus(
  targets: readonly string[],
  remoteName: string,
  context: CliContext,
): Promise<void> {
  const status = await withRemote(context, remoteName, (ws, remote) =>
    remoteStatus(ws, remote, { cwd: context.cwd, targets }),
  );
  const groups = [
    ...groupLines('to push', status.toPush),
    ...groupLines('to pull', status.toPull),
    ...groupLines('missing', status.missing),
  ];
  const warnings = status.unexpanded.map(
    (item) => `warning: the tree ${item.digest} of ${item.pointer} is in neither store.`,
  );
  const lines =
    groups.length === 0
      ? [`Cache and remote ${status.remote} are in sync (${status.inSync} object(s)).`]
      : [`Remote ${status.remote} (${status.url}):`, ...groups];
  print(context, status, [...lines, ...warnings]);
}
