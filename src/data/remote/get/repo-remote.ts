import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../../../config/config-schema.js';
import type { Env } from '../../../config/env-layer.js';
import { readConfigFile } from '../../../config/read-config-file.js';
import { SlipwayError } from '../../../domain/errors.js';
import { type ResolvedRemote, tokenVariable } from '../open-remote.js';
import { remoteKind } from '../remote-url.js';
import type { FetchedRepo } from './git-source.js';

const CONFIG_PATH = '.slipway/config.yaml';

const noRemote = (where: string, why: string) =>
  new SlipwayError('INVALID_STATE', `${where} ${why}, so Slipway does not know where its data is.`, {
    hint: 'Its owners should run `slipway remote add <name> <url> --default` and commit .slipway/config.yaml.',
  });

/** The repository's workspace config at the fetched commit, validated like any config file. */
async function readRepoConfig(fetched: FetchedRepo, where: string) {
  const text = await fetched.readBlob(CONFIG_PATH);
  if (text === undefined) throw noRemote(where, `has no ${CONFIG_PATH}`);
  const file = join(tmpdir(), `slipway-get-config-${randomBytes(6).toString('hex')}.yaml`);
  try {
    await writeFile(file, text, { flag: 'wx', mode: 0o600 });
    return (await readConfigFile(file)) ?? {};
  } catch (error) {
    if (error instanceof SlipwayError)
      throw new SlipwayError(error.code, `${where}:${CONFIG_PATH}: ${error.message}`, { hint: error.hint });
    throw error;
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * The default remote of another repository, from its `.slipway/config.yaml`. A relative folder remote resolves
 * against the repository when it is local. A token is sent only when this machine has a remote of the same name
 * and URL: a repository cannot make Slipway hand your token to a server it names.
 */
export async function repoDefaultRemote(fetched: FetchedRepo, local: Config, env: Env): Promise<ResolvedRemote> {
  const where = `${fetched.repo}@${fetched.commit.slice(0, 12)}`;
  const layer = await readRepoConfig(fetched, where);
  const name = layer.core?.remote;
  const given = name === undefined ? undefined : layer.remotes?.[name]?.url;
  if (name === undefined || given === undefined) throw noRemote(where, 'has no default remote (core.remote)');
  const kind = remoteKind(given);
  const isPath = kind === 'folder' && !given.startsWith('file:');
  if (isPath && !given.startsWith('/') && fetched.localPath === undefined) {
    throw noRemote(where, `names a relative folder (${given}) as its remote`);
  }
  const url = isPath && fetched.localPath !== undefined ? resolve(fetched.localPath, given) : given;
  const trusted = local.remotes[name]?.url === url;
  const fromEnv = env[tokenVariable(name)];
  const token = trusted ? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : local.remotes[name]?.token) : undefined;
  return { name, url, kind, token };
}
