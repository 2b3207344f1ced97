import { invalidParameter } from '../domain/errors.js';
import type { TrackingClient } from '../tracking/tracking-client.js';

export interface OpenTrackingClientOptions {
  /** The object store for artifacts of a direct (`sqlite:`/`postgresql:`) tracking URI: config's objects.uri. */
  readonly objectsUri?: string | undefined;
  /** For `http(s):` URIs: per-request timeout in ms, and a bearer token. */
  readonly timeoutMs?: number | undefined;
  readonly token?: string | undefined;
}

type Opener = (uri: string, options: OpenTrackingClientOptions) => Promise<TrackingClient>;

async function openSql(uri: string, options: OpenTrackingClientOptions): Promise<TrackingClient> {
  if (options.objectsUri === undefined) {
    throw invalidParameter('A direct tracking URI needs an object store for artifacts (objectsUri).', {
      hint: 'Pass objectsUri, e.g. the objects.uri of the loaded config.',
    });
  }
  const [{ openMetadata }, { openObjectStore }, { createSqlTrackingClient }] = await Promise.all([
    import('../storage/metadata/open-metadata.js'),
    import('../storage/objects/registry.js'),
    import('../tracking/sql-tracking-client.js'),
  ]);
  const metadata = await openMetadata(uri);
  try {
    return createSqlTrackingClient({ metadata, objects: await openObjectStore(options.objectsUri) });
  } catch (error) {
    await metadata.close();
    throw error;
  }
}

async function openHttp(uri: string, options: OpenTrackingClientOptions): Promise<TrackingClient> {
  const { createHttpTrackingClient } = await import('./http-tracking-client.js');
  return createHttpTrackingClient({ baseUrl: uri, timeoutMs: options.timeoutMs, token: options.token });
}

/** Tracking URI scheme → implementation, loaded on first use (no database driver for an HTTP client). */
export const TRACKING_CLIENTS: Readonly<Record<string, Opener>> = {
  sqlite: openSql,
  postgresql: openSql,
  postgres: openSql,
  http: openHttp,
  https: openHttp,
};

/**
 * Opens the tracking client a URI names: `sqlite:///…` or `postgresql://…` (direct, over the use cases) or
 * `http(s)://host:port` (a Slipway server's MLflow REST API).
 */
export function openTrackingClient(uri: string, options: OpenTrackingClientOptions = {}): Promise<TrackingClient> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  const opener = scheme !== undefined && Object.hasOwn(TRACKING_CLIENTS, scheme) ? TRACKING_CLIENTS[scheme] : undefined;
  if (opener === undefined) {
    const what = scheme === undefined ? 'The tracking URI has no scheme' : `Unknown tracking URI scheme "${scheme}:"`;
    return Promise.reject(
      invalidParameter(`${what}; known schemes: ${Object.keys(TRACKING_CLIENTS).join(', ')}.`, {
        hint: 'Use sqlite:///path/slipway.db, postgresql://user@host/db or http://host:5000.',
      }),
    );
  }
  return opener(uri, options);
}
