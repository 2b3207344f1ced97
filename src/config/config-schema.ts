import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How `slipway add`/`checkout` place data files in the workspace relative to the cache (docs/data.md). */
export const LINK_MODES = ['copy', 'reflink', 'hardlink', 'symlink'] as const;
export type LinkMode = (typeof LINK_MODES)[number];

export const MAX_BODY_LIMIT_BYTES = 1024 * 1024 * 1024;
export const MIN_BODY_LIMIT_BYTES = 1024;
/** The largest object upload `PUT /api/v1/objects/{digest}` may accept: 5 TiB (S3's object size limit). */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

/** A remote's name (`slipway remote add <name> <url>`): lower-case letters, digits, `_` and `-`. */
export const REMOTE_NAME_PATTERN = /^[a-z0-9_-]{1,64}$/;
export const REMOTE_NAME_RULE = 'must be 1 to 64 characters among a-z, 0-9, `_` and `-`';

const HOST_PATTERN = /^[A-Za-z0-9._-]+$|^[0-9A-Fa-f:.]+$|^\[[0-9A-Fa-f:.]+\]$/;
/** `*`, `name`, `*.domain`, `name:port`, `[v6]`, `[v6]:port`, `::1`. */
const ALLOWED_HOST_PATTERN =
  /^(\*|(\*\.)?[A-Za-z0-9._-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;

const nonEmpty = z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' });

const portSchema = z
  .number({ error: 'must be a port number (an integer from 0 to 65535; 0 picks a free port)' })
  .int({ error: 'must be an integer from 0 to 65535' })
  .min(0, { error: 'must be an integer from 0 to 65535' })
  .max(65535, { error: 'must be an integer from 0 to 65535' });

const hostSchema = nonEmpty.max(253).regex(HOST_PATTERN, { error: 'must be a host name or an IP address' });

const allowedHostSchema = nonEmpty
  .max(260)
  .regex(ALLOWED_HOST_PATTERN, { error: 'must be `*`, a host name, `*.domain`, `host:port` or `[ipv6]:port`' });

const originSchema = nonEmpty.refine(isOrigin, { error: 'must be an origin such as `http://localhost:5173`' });

const bodyLimitSchema = z
  .number({ error: 'must be a number of bytes' })
  .int({ error: 'must be an integer number of bytes' })
  .min(MIN_BODY_LIMIT_BYTES, { error: `must be at least ${MIN_BODY_LIMIT_BYTES} bytes` })
  .max(MAX_BODY_LIMIT_BYTES, { error: `must be at most ${MAX_BODY_LIMIT_BYTES} bytes (1 GiB)` });

function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && value.replace(/\/$/, '') === url.origin;
}

const serverSectionSchema = z.strictObject({
  host: hostSchema.optional(),
  port: portSchema.optional(),
  allowedHosts: z.array(allowedHostSchema, { error: 'must be a list of host names' }).optional(),
  allowedOrigins: z.array(originSchema, { error: 'must be a list of origins' }).optional(),
  insecure: z.boolean({ error: 'must be true or false' }).optional(),
  bodyLimitBytes: bodyLimitSchema.optional(),
  objectMaxBytes: z
    .number({ error: 'must be a number of bytes' })
    .int({ error: 'must be an integer number of bytes' })
    .min(1, { error: 'must be at least 1 byte' })
    .max(MAX_OBJECT_BYTES, { error: `must be at most ${MAX_OBJECT_BYTES} bytes (5 TiB)` })
    .optional(),
  artifactMaxBytes: z
    .number({ error: 'must be a number of bytes' })
    .int({ error: 'must be an integer number of bytes' })
    .min(1, { error: 'must be at least 1 byte' })
    .max(MAX_OBJECT_BYTES, { error: `must be at most ${MAX_OBJECT_BYTES} bytes (5 TiB)` })
    .optional(),
  objectDelete: z.boolean({ error: 'must be true or false' }).optional(),
});

const remoteNameSchema = z
  .string({ error: 'must be a string' })
  .regex(REMOTE_NAME_PATTERN, { error: REMOTE_NAME_RULE });

/** A data remote (docs/remotes.md). The token belongs in ~/.slipway/config.yaml or the environment, never in git. */
const remoteSchema = z.strictObject({ url: nonEmpty.optional(), token: nonEmpty.optional() });

/** One layer of settings (flags, environment or a file), every field optional. */
export const configLayerSchema = z.strictObject({
  home: nonEmpty.optional(),
  metadata: z.strictObject({ uri: nonEmpty.optional() }).optional(),
  objects: z.strictObject({ uri: nonEmpty.optional() }).optional(),
  server: serverSectionSchema.optional(),
  core: z.strictObject({ remote: remoteNameSchema.optional() }).optional(),
  remotes: z.record(remoteNameSchema, remoteSchema, { error: 'must be a mapping of remote names' }).optional(),
  cache: z
    .strictObject({
      linkMode: z.enum(LINK_MODES, { error: `must be one of ${LINK_MODES.join(', ')}` }).optional(),
    })
    .optional(),
  log: z
    .strictObject({ level: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional() })
    .optional(),
  webhooks: z
    .strictObject({ allowPrivateTargets: z.boolean({ error: 'must be true or false' }).optional() })
    .optional(),
  deployments: z.strictObject({ supervise: z.boolean({ error: 'must be true or false' }).optional() }).optional(),
});

export type ConfigLayer = z.infer<typeof configLayerSchema>;

export const CONFIG_FILE_SCHEMA_VERSION = 1;

/** A config file: a layer plus its format version. */
export const configFileSchema = z.strictObject({
  schema: z.literal(CONFIG_FILE_SCHEMA_VERSION, {
    error: `must be ${CONFIG_FILE_SCHEMA_VERSION}; add \`schema: ${CONFIG_FILE_SCHEMA_VERSION}\` at the top of the file`,
  }),
  ...configLayerSchema.shape,
});

/** The resolved configuration: every field set, frozen. */
export interface Config {
  /** The embedded default directory (SQLite file, object cache). */
  readonly home: string;
  /** The directory holding `.slipway/` found upward from cwd, if any. */
  readonly workspaceRoot: string | undefined;
  /** The config files that were read, lowest precedence first. */
  readonly files: readonly string[];
  readonly metadata: { readonly uri: string };
  readonly objects: { readonly uri: string };
  readonly server: ServerConfig;
  /** The workspace data cache (`slipway add`/`checkout`): how files are placed in the workspace. */
  readonly cache: { readonly linkMode: LinkMode };
  /** `core.remote`: the default remote's name for push, pull, fetch and status --remote. */
  readonly core: { readonly remote: string | undefined };
  /** Data remotes by name (workspace and user files merged; a url that is a path is absolute here). */
  readonly remotes: Readonly<Record<string, RemoteConfig>>;
  readonly log: { readonly level: LogLevel };
  /** Registry webhooks (docs/webhooks.md): whether deliveries may go to loopback, private and link-local addresses. */
  readonly webhooks: { readonly allowPrivateTargets: boolean };
  /** `slipway server` runs and supervises the `slipway serve` process of every local deployment (docs/deploy.md). */
  readonly deployments: { readonly supervise: boolean };
}

export interface RemoteConfig {
  readonly url: string | undefined;
  /** A bearer token for an http(s) remote, from the user config file only. */
  readonly token: string | undefined;
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly insecure: boolean;
  readonly bodyLimitBytes: number;
  /** The largest object `PUT /api/v1/objects/{digest}` accepts. */
  readonly objectMaxBytes: number;
  /** The largest artifact upload (PUT …/mlflow-artifacts/artifacts/<path>), in bytes. */
  readonly artifactMaxBytes: number;
  /** Whether clients may delete objects through the object API (`slipway gc --cloud`). */
  readonly objectDelete: boolean;
}
