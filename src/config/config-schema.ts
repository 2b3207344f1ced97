import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const MAX_BODY_LIMIT_BYTES = 1024 * 1024 * 1024;
export const MIN_BODY_LIMIT_BYTES = 1024;

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
});

/** One layer of settings (flags, environment or a file), every field optional. */
export const configLayerSchema = z.strictObject({
  home: nonEmpty.optional(),
  metadata: z.strictObject({ uri: nonEmpty.optional() }).optional(),
  objects: z.strictObject({ uri: nonEmpty.optional() }).optional(),
  server: serverSectionSchema.optional(),
  log: z
    .strictObject({ level: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional() })
    .optional(),
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
  readonly log: { readonly level: LogLevel };
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly insecure: boolean;
  readonly bodyLimitBytes: number;
}
