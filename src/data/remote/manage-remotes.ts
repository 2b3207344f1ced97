import { type Config, REMOTE_NAME_PATTERN, REMOTE_NAME_RULE } from '../../config/config-schema.js';
import { alreadyExists, invalidParameter, notFound } from '../../domain/errors.js';
import { normalizeRemoteUrl, type RemoteKind, remoteKind } from './remote-url.js';
import { deletePruning, editWorkspaceConfig } from './workspace-config-file.js';

export interface RemoteEntry {
  readonly name: string;
  readonly url: string;
  readonly kind: RemoteKind;
  readonly isDefault: boolean;
}

export const parseRemoteName = (name: string): string => {
  if (REMOTE_NAME_PATTERN.test(name)) return name;
  throw invalidParameter(`The remote name '${name.slice(0, 80)}' is invalid: it ${REMOTE_NAME_RULE}.`, {
    hint: 'Choose a name such as origin, backup or s3-eu.',
  });
};

const unknownRemote = (name: string, config: Config) =>
  notFound(`There is no remote named '${name}'.`, {
    hint: `Known remotes: ${Object.keys(listed(config)).join(', ') || 'none'}. Add one with \`slipway remote add ${name} <url>\`.`,
  });

const listed = (config: Config) =>
  Object.fromEntries(Object.entries(config.remotes).filter(([, remote]) => remote.url !== undefined));

/** Every remote with a URL (workspace and user config merged), sorted by name. */
export function listRemotes(config: Config): RemoteEntry[] {
  return Object.entries(listed(config))
    .map(([name, remote]) => ({
      name,
      url: remote.url ?? '',
      kind: remoteKind(remote.url ?? ''),
      isDefault: name === config.core.remote,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface AddRemoteInput {
  readonly name: string;
  readonly url: string;
  readonly cwd: string;
  readonly makeDefault?: boolean;
  /** Replace the URL of an existing remote. */
  readonly force?: boolean;
}

/** `slipway remote add`: records a remote in the workspace config (committed to git); no credentials ever. */
export async function addRemote(root: string, config: Config, input: AddRemoteInput): Promise<RemoteEntry> {
  const name = parseRemoteName(input.name);
  const url = normalizeRemoteUrl(input.url, input.cwd, root);
  if (config.remotes[name]?.url !== undefined && input.force !== true) {
    throw alreadyExists(`A remote named '${name}' already exists (${config.remotes[name]?.url}).`, {
      hint: `Use \`slipway remote add --force ${name} <url>\` to change its URL, or choose another name.`,
    });
  }
  const makeDefault = input.makeDefault === true || config.core.remote === undefined;
  await editWorkspaceConfig(root, (doc) => {
    doc.setIn(['remotes', name, 'url'], url);
    if (makeDefault) doc.setIn(['core', 'remote'], name);
  });
  return { name, url, kind: remoteKind(url), isDefault: makeDefault || config.core.remote === name };
}

/** `slipway remote remove`: forgets a remote (and the default, if it was the default). Returns whether it was. */
export async function removeRemote(root: string, config: Config, name: string): Promise<{ wasDefault: boolean }> {
  if (config.remotes[parseRemoteName(name)]?.url === undefined) throw unknownRemote(name, config);
  const wasDefault = config.core.remote === name;
  await editWorkspaceConfig(root, (doc) => {
    if (!doc.hasIn(['remotes', name])) {
      throw invalidParameter(`The remote '${name}' is defined in ~/.slipway/config.yaml, not in this workspace.`, {
        hint: 'Remove it from that file.',
      });
    }
    deletePruning(doc, ['remotes', name, 'url']);
    if (wasDefault) deletePruning(doc, ['core', 'remote']);
  });
  return { wasDefault };
}

/** `slipway remote default <name>`: makes a known remote the default for push, pull, fetch and status. */
export async function setDefaultRemote(root: string, config: Config, name: string): Promise<void> {
  if (config.remotes[parseRemoteName(name)]?.url === undefined) throw unknownRemote(name, config);
  await editWorkspaceConfig(root, (doc) => doc.setIn(['core', 'remote'], name));
}

export { unknownRemote };
