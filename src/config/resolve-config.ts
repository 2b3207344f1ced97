import { isAbsolute, join, resolve } from 'node:path';
import type { Config, ConfigLayer } from './config-schema.js';
import { WORKSPACE_DIR } from './find-workspace-root.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 5000;
/** 10 MiB: MLflow's largest JSON requests (log-batch at its limits) stay well under 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
/** 64 GiB: the default limit of one object upload to `PUT /api/v1/objects/{digest}`. */
export const DEFAULT_OBJECT_MAX_BYTES = 64 * 1024 ** 3;
export const DEFAULT_ARTIFACT_MAX_BYTES = 5 * 1024 ** 3;
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

type Loose = Record<string, unknown>;

const isRecord = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Merges layers, later ones winning key by key; undefined never overrides. */
export function mergeLayers(layers: readonly ConfigLayer[]): ConfigLayer {
  return layers.reduce<Loose>((low, high) => mergeTwo(low, high as Loose), {}) as ConfigLayer;
}

function mergeTwo(low: Loose, high: Loose): Loose {
  const out: Loose = { ...low };
  for (const [key, value] of Object.entries(high)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isRecord(value) && isRecord(current) ? mergeTwo(current, value) : value;
  }
  return out;
}

/** A URI with a scheme (`s3://`, `memory://`, `file:`) is kept; anything else is a local path. */
const hasScheme = (uri: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) || uri.startsWith('file:');

/** `sqlite://` + the absolute path, with the characters a URI would misread percent-encoded. */
export const sqliteUriFor = (path: string): string =>
  `sqlite://${path.replace(/[%?#]/g, (c) => encodeURIComponent(c))}`;

export function resolvePath(path: string, base: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return join(homeDir, path.slice(2));
  return isAbsolute(path) ? resolve(path) : resolve(base, path);
}

/** Remote urls that are paths, made absolute against `base` (the workspace root for the workspace file). */
function resolveRemotePaths(remotes: ConfigLayer['remotes'], base: string, homeDir: string): ConfigLayer['remotes'] {
  if (remotes === undefined) return undefined;
  const entries = Object.entries(remotes).map(([name, remote]) => {
    const url = remote.url;
    return [name, url === undefined || hasScheme(url) ? remote : { ...remote, url: resolvePath(url, base, homeDir) }];
  });
  return Object.fromEntries(entries);
}

/** Makes the layer's paths (`home`, a path-valued `objects.uri`, remote urls) absolute against `base`. */
export function resolveLayerPaths(layer: ConfigLayer, base: string, homeDir: string): ConfigLayer {
  const objectsUri = layer.objects?.uri;
  return {
    ...layer,
    ...(layer.remotes === undefined ? {} : { remotes: resolveRemotePaths(layer.remotes, base, homeDir) }),
    ...(layer.home === undefined ? {} : { home: resolvePath(layer.home, base, homeDir) }),
    ...(objectsUri === undefined || hasScheme(objectsUri)
      ? {}
      : { objects: { uri: resolvePath(objectsUri, base, homeDir) } }),
  };
}

export interface ResolveContext {
  readonly cwd: string;
  readonly workspaceRoot: string | undefined;
  readonly files: readonly string[];
}

/** Fills every default. The embedded default directory is `<workspace root or cwd>/.slipway`. */
export function resolveConfig(merged: ConfigLayer, context: ResolveContext): Config {
  const home = merged.home ?? join(context.workspaceRoot ?? context.cwd, WORKSPACE_DIR);
  const host = stripBrackets(merged.server?.host ?? DEFAULT_HOST);
  return deepFreeze({
    home,
    workspaceRoot: context.workspaceRoot,
    files: [...context.files],
    metadata: { uri: merged.metadata?.uri ?? sqliteUriFor(join(home, 'slipway.db')) },
    objects: { uri: merged.objects?.uri ?? join(home, 'cache') },
    server: serverConfig(merged, host),
    core: { remote: merged.core?.remote },
    remotes: Object.fromEntries(
      Object.entries(merged.remotes ?? {}).map(([name, remote]) => [name, { url: remote.url, token: remote.token }]),
    ),
    cache: { linkMode: merged.cache?.linkMode ?? 'copy' },
    log: { level: merged.log?.level ?? 'info' },
    webhooks: webhooksConfig(merged),
    deployments: { supervise: merged.deployments?.supervise ?? true },
  });
}

/** The control plane's listener and request bounds. */
function serverConfig(merged: ConfigLayer, host: string): Config['server'] {
  const server = merged.server ?? {};
  return {
    host,
    port: server.port ?? DEFAULT_PORT,
    allowedHosts: allowedHosts(server.allowedHosts ?? LOOPBACK_HOST_NAMES, host),
    allowedOrigins: unique((server.allowedOrigins ?? []).map((origin) => new URL(origin).origin)),
    insecure: server.insecure ?? false,
    bodyLimitBytes: server.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    objectMaxBytes: server.objectMaxBytes ?? DEFAULT_OBJECT_MAX_BYTES,
    artifactMaxBytes: server.artifactMaxBytes ?? DEFAULT_ARTIFACT_MAX_BYTES,
    objectDelete: server.objectDelete ?? false,
  };
}

/** Registry webhooks: private targets refused unless a user-level setting allows them. */
const webhooksConfig = (merged: ConfigLayer): Config['webhooks'] => ({
  allowPrivateTargets: merged.webhooks?.allowPrivateTargets ?? false,
});

const stripBrackets = (host: string): string => host.replace(/^\[(.*)\]$/, '$1');

/** Lower-cases entries and brackets bare IPv6 addresses (`::1` → `[::1]`), as they appear in a Host header. */
export function normalizeHostEntry(entry: string): string {
  const lower = entry.trim().toLowerCase();
  return !lower.startsWith('[') && (lower.match(/:/g)?.length ?? 0) > 1 ? `[${lower}]` : lower;
}

/** The allowlist plus the bound host itself, unless the server binds every interface. */
function allowedHosts(entries: readonly string[], host: string): string[] {
  const bound = WILDCARD_HOSTS.has(host) ? [] : [normalizeHostEntry(host)];
  return unique([...entries.map(normalizeHostEntry), ...bound]);
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
