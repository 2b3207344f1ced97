import { configError, formatKeyPath, problemsOf } from './config-problems.js';
import { type ConfigLayer, configLayerSchema } from './config-schema.js';

export type Env = Readonly<Record<string, string | undefined>>;

type Kind = 'string' | 'number' | 'boolean' | 'list';

/** Every environment variable Slipway reads, and the key it sets. */
export const ENV_VARIABLES: Readonly<
  Record<string, { readonly path: readonly [string, string?]; readonly kind: Kind }>
> = {
  SLIPWAY_HOME: { path: ['home'], kind: 'string' },
  SLIPWAY_BACKEND_STORE_URI: { path: ['metadata', 'uri'], kind: 'string' },
  SLIPWAY_ARTIFACTS_DESTINATION: { path: ['objects', 'uri'], kind: 'string' },
  SLIPWAY_HOST: { path: ['server', 'host'], kind: 'string' },
  SLIPWAY_PORT: { path: ['server', 'port'], kind: 'number' },
  SLIPWAY_ALLOWED_HOSTS: { path: ['server', 'allowedHosts'], kind: 'list' },
  SLIPWAY_ALLOWED_ORIGINS: { path: ['server', 'allowedOrigins'], kind: 'list' },
  SLIPWAY_INSECURE: { path: ['server', 'insecure'], kind: 'boolean' },
  SLIPWAY_BODY_LIMIT_BYTES: { path: ['server', 'bodyLimitBytes'], kind: 'number' },
  SLIPWAY_OBJECT_MAX_BYTES: { path: ['server', 'objectMaxBytes'], kind: 'number' },
  SLIPWAY_ARTIFACT_MAX_BYTES: { path: ['server', 'artifactMaxBytes'], kind: 'number' },
  SLIPWAY_OBJECT_DELETE: { path: ['server', 'objectDelete'], kind: 'boolean' },
  SLIPWAY_LOG_LEVEL: { path: ['log', 'level'], kind: 'string' },
  SLIPWAY_WEBHOOKS_ALLOW_PRIVATE_TARGETS: { path: ['webhooks', 'allowPrivateTargets'], kind: 'boolean' },
  SLIPWAY_DEPLOYMENTS_SUPERVISE: { path: ['deployments', 'supervise'], kind: 'boolean' },
};

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** Converts the text of a variable; text that does not convert is kept so validation reports it. */
function convert(text: string, kind: Kind): unknown {
  const trimmed = text.trim();
  if (kind === 'number') return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
  if (kind === 'list')
    return trimmed
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  if (kind === 'boolean') {
    const lower = trimmed.toLowerCase();
    return TRUE.has(lower) ? true : FALSE.has(lower) ? false : trimmed;
  }
  return trimmed;
}

/** The `SLIPWAY_*` layer. Empty variables count as unset. Problems name the variable. */
export function envLayer(env: Env): ConfigLayer {
  const raw: Record<string, Record<string, unknown> | unknown> = {};
  for (const [name, { path, kind }] of Object.entries(ENV_VARIABLES)) {
    const text = env[name];
    if (text === undefined || text.trim() === '') continue;
    setIn(raw, path, convert(text, kind));
  }
  const parsed = configLayerSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw configError(problemsOf(parsed.error).map((p) => `${variableFor(p.path)}: ${p.message}`));
}

function setIn(target: Record<string, unknown>, path: readonly [string, string?], value: unknown): void {
  const [section, key] = path;
  if (key === undefined) {
    target[section] = value;
    return;
  }
  const existing = target[section];
  target[section] = { ...(typeof existing === 'object' ? existing : {}), [key]: value };
}

function variableFor(path: readonly PropertyKey[]): string {
  const key = formatKeyPath(path.slice(0, 2));
  const entry = Object.entries(ENV_VARIABLES).find(([, v]) => v.path.filter(Boolean).join('.') === key);
  const suffix = path.length > 2 ? ` (item ${String(path[2])})` : '';
  return `${entry?.[0] ?? key}${suffix}`;
}
