import { invalidParameter } from '../../domain/errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3StoreConfig {
  readonly bucket: string;
  /** Key prefix of the store: '' or 'some/path/' (always ends with a slash when not empty). */
  readonly prefix: string;
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly forcePathStyle: boolean;
  /** Explicit credentials from the environment; undefined leaves the SDK's default chain (profiles, SSO, IMDS). */
  readonly credentials: S3Credentials | undefined;
  readonly partSize: number;
}

const MIB = 1024 * 1024;
const OPTIONS = ['endpoint', 'region', 'force_path_style', 'part_size_mib'] as const;
const EXAMPLE = 's3://my-bucket/some/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1&force_path_style=true';

/**
 * Reads `s3://bucket/prefix?endpoint=…&region=…&force_path_style=…&part_size_mib=…`. URI options win over the
 * standard AWS variables: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION,
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. Path-style addressing is the default when an
 * endpoint is given (MinIO and most S3-compatible servers).
 */
export const parseS3Uri = (uri: string, env: Env): S3StoreConfig => {
  const url = parseUrl(uri);
  const query = readQuery(url);
  const endpoint = query.get('endpoint') ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return {
    bucket: url.hostname,
    prefix: normalisePrefix(decodeURIComponent(url.pathname)),
    endpoint: endpoint === '' ? undefined : endpoint,
    region: query.get('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    forcePathStyle: parseBoolean(query.get('force_path_style'), endpoint !== undefined),
    credentials: credentialsFromEnv(env),
    partSize: parsePartSize(query.get('part_size_mib')),
  };
};

const parseUrl = (uri: string): URL => {
  const url = URL.canParse(uri) ? new URL(uri) : undefined;
  if (url?.protocol === 's3:' && url.hostname !== '') return url;
  throw invalidParameter(`'${uri}' is not an S3 URI.`, {
    hint: `Use s3://bucket or s3://bucket/prefix, e.g. ${EXAMPLE}`,
  });
};

const readQuery = (url: URL): URLSearchParams => {
  for (const name of url.searchParams.keys()) {
    if (!(OPTIONS as readonly string[]).includes(name)) {
      throw invalidParameter(`Unknown S3 URI option '${name}' in ${url.href}.`, {
        hint: `Known options: ${OPTIONS.join(', ')}; e.g. ${EXAMPLE}`,
      });
    }
  }
  return url.searchParams;
};

const normalisePrefix = (pathname: string): string => {
  const trimmed = pathname.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
};

const parseBoolean = (value: string | null, fallback: boolean): boolean => {
  if (value === null) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw invalidParameter(`force_path_style must be true or false, got '${value}'.`);
};

const parsePartSize = (value: string | null): number => {
  if (value === null) return 16 * MIB;
  const mib = Number(value);
  if (Number.isInteger(mib) && mib >= 5 && mib <= 5120) return mib * MIB;
  throw invalidParameter(`part_size_mib must be a whole number from 5 to 5120, got '${value}'.`, {
    hint: 'S3 multipart parts are at least 5 MiB and at most 5 GiB.',
  });
};

const credentialsFromEnv = (env: Env): S3Credentials | undefined => {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
};

/** Where requests go, for messages. */
export const describeEndpoint = (config: S3StoreConfig): string =>
  config.endpoint ?? `the AWS S3 endpoint of region ${config.region}`;
