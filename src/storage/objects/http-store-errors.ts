import { type ErrorCode, errorCodeSchema } from '../../contract/error-codes.js';
import { SlipwayError } from '../../domain/errors.js';

/** The store's base URL for messages, and how to give it credentials. */
export interface HttpStoreWhere {
  readonly url: string;
  readonly tokenHint: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

const causeCode = (error: unknown): string | undefined => {
  for (let current = error, depth = 0; current !== undefined && depth < 4; depth += 1) {
    const code = (current as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown } | null)?.cause;
  }
  return undefined;
};

/** A request that got no HTTP answer: the server is down, unreachable, or hung up. */
export const unreachable = (error: unknown, where: HttpStoreWhere, what: string): SlipwayError => {
  const code = causeCode(error);
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  const tls = code !== undefined && !NETWORK_CODES.has(code) && /CERT|TLS|SSL/.test(code);
  return new SlipwayError(
    'TEMPORARILY_UNAVAILABLE',
    `Cannot reach the Slipway server at ${where.url} (${what}: ${reason}).`,
    {
      cause: error,
      hint: tls
        ? 'The server’s TLS certificate was not accepted: add its CA with NODE_EXTRA_CA_CERTS=/path/ca.pem.'
        : 'Check that `slipway server` is running there and reachable, and the remote URL (slipway remote list).',
    },
  );
};

export const timedOut = (where: HttpStoreWhere, what: string, ms: number): SlipwayError =>
  new SlipwayError('DEADLINE_EXCEEDED', `The Slipway server at ${where.url} made no progress for ${ms} ms (${what}).`, {
    hint: 'The server or the network is overloaded; try again, or lower the parallelism with -j.',
  });

const HINTS: Partial<Record<ErrorCode, (where: HttpStoreWhere) => string>> = {
  UNAUTHENTICATED: (where) => `Give the server a token: ${where.tokenHint}.`,
  PERMISSION_DENIED: (where) =>
    `Check that your token may use the object API, and that the server allows its host name (server.allowedHosts); ${where.tokenHint}.`,
  TEMPORARILY_UNAVAILABLE: () => 'The server or its object store is unavailable; try again later.',
  RESOURCE_EXHAUSTED: () => 'The server’s storage is full or it is overloaded; an operator should check it.',
  PAYLOAD_TOO_LARGE: () => 'The object is over the server’s size limit (server.objectMaxBytes).',
};

interface Envelope {
  readonly error_code?: unknown;
  readonly message?: unknown;
}

const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'RESOURCE_DOES_NOT_EXIST',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'REQUEST_LIMIT_EXCEEDED',
};

const codeOf = (status: number, envelope: Envelope): ErrorCode => {
  const parsed = errorCodeSchema.safeParse(envelope.error_code);
  if (parsed.success) return parsed.data;
  return STATUS_CODES[status] ?? (status >= 500 ? 'TEMPORARILY_UNAVAILABLE' : 'BAD_REQUEST');
};

/** An error body as the server's `{error_code, message}` envelope, if it is one. */
export const parseEnvelope = (text: string): Envelope => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Envelope) : {};
  } catch {
    return {};
  }
};

/** The SlipwayError for an HTTP error answer, keeping the server's code and message and adding a hint. */
export const httpError = (status: number, envelope: Envelope, where: HttpStoreWhere, what: string): SlipwayError => {
  const code = codeOf(status, envelope);
  const said = typeof envelope.message === 'string' ? envelope.message : `HTTP ${status}`;
  return new SlipwayError(code, `The Slipway server at ${where.url} refused ${what}: ${said}`, {
    hint: HINTS[code]?.(where) ?? 'The server log has the details.',
  });
};

/** The object API is missing at this URL: not a Slipway server, or the wrong base path. */
export const notASlipwayServer = (where: HttpStoreWhere, status: number): SlipwayError =>
  new SlipwayError(
    'INVALID_PARAMETER_VALUE',
    `${where.url} does not look like a Slipway server: its object API answered HTTP ${status}.`,
    {
      hint: 'Use the base URL of `slipway server` (for example http://host:5000, or http://host/prefix behind a proxy).',
    },
  );
