import type { Config } from '../../config/config-schema.js';
import type { Env } from '../../config/env-layer.js';
import { SlipwayError } from '../../domain/errors.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import type { ObjectStore } from '../../storage/objects/types.js';
import { unknownRemote } from './manage-remotes.js';
import { type RemoteKind, remoteKind } from './remote-url.js';

export interface ResolvedRemote {
  readonly name: string;
  readonly url: string;
  readonly kind: RemoteKind;
  /** The bearer token for an http(s) remote: SLIPWAY_REMOTE_<NAME>_TOKEN, else remotes.<name>.token in the user file. */
  readonly token: string | undefined;
}

/** A remote opened for a transfer. */
export interface OpenRemote {
  readonly name: string;
  readonly url: string;
  readonly store: ObjectStore;
}

/** `origin` → `SLIPWAY_REMOTE_ORIGIN_TOKEN`; `s3-eu` → `SLIPWAY_REMOTE_S3_EU_TOKEN`. */
export const tokenVariable = (name: string): string => `SLIPWAY_REMOTE_${name.toUpperCase().replace(/-/g, '_')}_TOKEN`;

/** The remote `name` names (default: core.remote), with its token. */
export function resolveRemote(config: Config, env: Env, name?: string): ResolvedRemote {
  const chosen = name ?? config.core.remote;
  if (chosen === undefined) {
    throw new SlipwayError('INVALID_STATE', 'No remote was named and no default remote is set.', {
      hint: 'Name one with -r <name>, or set a default: `slipway remote add origin <url> --default` or `slipway remote default <name>`.',
    });
  }
  const url = config.remotes[chosen]?.url;
  if (url === undefined) throw unknownRemote(chosen, config);
  const fromEnv = env[tokenVariable(chosen)];
  const token = fromEnv !== undefined && fromEnv !== '' ? fromEnv : config.remotes[chosen]?.token;
  return { name: chosen, url, kind: remoteKind(url), token };
}

/** Opens a remote's object store; an http(s) remote gets its token and a hint naming where to set it. */
export async function openRemoteStore(remote: ResolvedRemote): Promise<ObjectStore> {
  if (remote.kind !== 'http') return openObjectStore(remote.url);
  const { openHttpObjectStore } = await import('../../storage/objects/http-object-store.js');
  const tokenHint = `set ${tokenVariable(remote.name)}, or remotes.${remote.name}.token in ~/.slipway/config.yaml`;
  return openHttpObjectStore(remote.url, { token: remote.token, tokenHint });
}
