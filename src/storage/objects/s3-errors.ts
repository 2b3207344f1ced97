import { SlipwayError } from '../../domain/errors.js';
import { describeEndpoint, type S3StoreConfig } from './s3-config.js';

interface SdkError {
  readonly name?: string;
  readonly code?: string;
  readonly Code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

type Mapper = (config: S3StoreConfig, where: string, reason: string) => SlipwayError;

const CREDENTIAL_VARS =
  'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials) or AWS_PROFILE';
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
]);
const UNAUTHENTICATED = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
  '401',
]);
const DENIED = new Set(['AccessDenied', 'AllAccessDisabled', 'Forbidden', '403']);
const UNAVAILABLE = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  '500',
  '502',
  '503',
  '504',
]);
const WRONG_REGION = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException',
  '301',
]);

const unauthenticated: Mapper = (config, where, reason) =>
  new SlipwayError('UNAUTHENTICATED', `S3 did not accept the credentials for ${where} (${reason}).`, {
    hint: `Check ${CREDENTIAL_VARS}; they must be valid for ${describeEndpoint(config)}.`,
  });

const denied: Mapper = (config, where, reason) =>
  new SlipwayError('PERMISSION_DENIED', `Access denied to ${where} (${reason}).`, {
    hint: `Check ${CREDENTIAL_VARS}, and that they are allowed s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on bucket ${config.bucket}.`,
  });

export const noSuchBucket: Mapper = (config) =>
  new SlipwayError(
    'RESOURCE_DOES_NOT_EXIST',
    `S3 bucket '${config.bucket}' does not exist at ${describeEndpoint(config)}.`,
    {
      hint: `Create it (aws s3 mb s3://${config.bucket}, or mc mb for MinIO) or fix the bucket name in the store URI.`,
    },
  );

const unreachable: Mapper = (config, _where, reason) =>
  new SlipwayError('TEMPORARILY_UNAVAILABLE', `Cannot reach the S3 endpoint ${describeEndpoint(config)} (${reason}).`, {
    hint: 'Check that the server is running and reachable, and the endpoint: the ?endpoint= URI option, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL.',
  });

const unavailable: Mapper = (config, where, reason) =>
  new SlipwayError(
    'TEMPORARILY_UNAVAILABLE',
    `S3 at ${describeEndpoint(config)} could not serve ${where} (${reason}).`,
    {
      hint: 'The service is overloaded or failing; try again later.',
    },
  );

const wrongRegion: Mapper = (config, where, reason) =>
  new SlipwayError('INVALID_PARAMETER_VALUE', `S3 refused ${where} in region ${config.region} (${reason}).`, {
    hint: `Set the bucket's region with AWS_REGION or the ?region= URI option.`,
  });

const reasonOf = (error: SdkError): string => {
  const status = error.$metadata?.httpStatusCode;
  const named = error.name !== undefined && !['Error', 'Unknown'].includes(error.name) ? error.name : undefined;
  return error.Code ?? error.code ?? named ?? (status === undefined ? 'no response' : `HTTP ${status}`);
};

const mapperFor = (reason: string, status: number | undefined): Mapper | undefined => {
  const keys = [reason, String(status)];
  if (reason === 'NoSuchBucket') return noSuchBucket;
  if (keys.some((key) => NETWORK_CODES.has(key))) return unreachable;
  if (keys.some((key) => UNAUTHENTICATED.has(key))) return unauthenticated;
  if (keys.some((key) => DENIED.has(key))) return denied;
  if (keys.some((key) => WRONG_REGION.has(key))) return wrongRegion;
  if (keys.some((key) => UNAVAILABLE.has(key))) return unavailable;
  return undefined;
};

/** The HTTP status of an SDK error, when the server answered. */
export const s3Status = (error: unknown): number | undefined =>
  (error as SdkError | undefined)?.$metadata?.httpStatusCode;

/** Translates an AWS SDK error into an actionable SlipwayError naming the bucket or key and what to check. */
export const s3Error = (error: unknown, config: S3StoreConfig, where: string): SlipwayError => {
  if (error instanceof SlipwayError) return error;
  const sdk = (error ?? {}) as SdkError;
  const reason = reasonOf(sdk);
  const mapped =
    mapperFor(reason, s3Status(error))?.(config, where, reason) ??
    new SlipwayError('INTERNAL_ERROR', `S3 request for ${where} failed (${reason}): ${sdk.message ?? String(error)}`, {
      hint: `Check the store URI and the S3 server at ${describeEndpoint(config)}.`,
    });
  return new SlipwayError(mapped.code, mapped.message, { hint: mapped.hint, cause: error });
};
