import { invalidParameter } from '../domain/errors.js';
import type { RegistryClient } from '../registry/registry-client.js';

export interface OpenRegistryClientOptions {
  /** The object store holding pinned models for a direct (`sqlite:`/`postgresql:`) URI: config's objects.uri. */
  readonly objectsUri: string;
  /** Who is acting, for the audit trail of a direct URI (a server knows its own caller). */
  readonly actor: string;
}

/**
 * Opens the model registry a tracking URI names: `sqlite:///…` or `postgresql://…` (direct, over the use cases) or
 * `http(s)://host:port` (a Slipway server's MLflow registry API and native API). Close it when done.
 */
export async function openRegistryClient(uri: string, options: OpenRegistryClientOptions): Promise<RegistryClient> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    const { createHttpRegistryClient } = await import('./http-registry-client.js');
    return createHttpRegistryClient({ baseUrl: uri });
  }
  if (scheme !== 'sqlite' && scheme !== 'postgresql' && scheme !== 'postgres') {
    throw invalidParameter(`Unknown tracking URI scheme "${scheme ?? ''}:".`, {
      hint: 'Use sqlite:///path/slipway.db, postgresql://user@host/db or http://host:5000.',
    });
  }
  const [{ openMetadata }, { openObjectStore }, { createSqlRegistryClient }] = await Promise.all([
    import('../storage/metadata/open-metadata.js'),
    import('../storage/objects/registry.js'),
    import('../registry/sql-registry-client.js'),
  ]);
  const metadata = await openMetadata(uri);
  try {
    return createSqlRegistryClient({
      metadata,
      objects: await openObjectStore(options.objectsUri),
      actor: options.actor,
    });
  } catch (error) {
    await metadata.close();
    throw error;
  }
}
