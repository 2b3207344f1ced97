import { userInfo } from 'node:os';
import { loadConfig } from '../../config/load-config.js';
import { invalidParameter } from '../../domain/errors.js';
import type { RegistryClient } from '../../registry/registry-client.js';
import type { CliContext } from '../cli-context.js';
import type { TrackingOptions } from './tracking-command-support.js';

/** The OS user running the CLI: the actor of the registry changes it makes (the audit trail records it). */
export function osUser(context: CliContext): string {
  try {
    return userInfo().username || context.env.USER || 'anonymous';
  } catch {
    return context.env.USER || 'anonymous';
  }
}

async function openRegistryClient(uri: string, objectsUri: string, actor: string): Promise<RegistryClient> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    const { createHttpRegistryClient } = await import('../../client/http-registry-client.js');
    return createHttpRegistryClient({ baseUrl: uri });
  }
  if (scheme !== 'sqlite' && scheme !== 'postgresql' && scheme !== 'postgres') {
    throw invalidParameter(`Unknown tracking URI scheme "${scheme ?? ''}:".`, {
      hint: 'Use sqlite:///path/slipway.db, postgresql://user@host/db or http://host:5000.',
    });
  }
  const [{ openMetadata }, { openObjectStore }, { createSqlRegistryClient }] = await Promise.all([
    import('../../storage/metadata/open-metadata.js'),
    import('../../storage/objects/registry.js'),
    import('../../registry/sql-registry-client.js'),
  ]);
  const metadata = await openMetadata(uri);
  try {
    return createSqlRegistryClient({ metadata, objects: await openObjectStore(objectsUri), actor });
  } catch (error) {
    await metadata.close();
    throw error;
  }
}

/** Opens the registry client the options or the configuration name, runs `fn`, and closes it. */
export async function withRegistry<T>(
  context: CliContext,
  options: TrackingOptions,
  fn: (client: RegistryClient) => Promise<T>,
): Promise<T> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  const uri = options.trackingUri ?? config.metadata.uri;
  const client = await openRegistryClient(uri, config.objects.uri, osUser(context));
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
