import type { ErrorCode, ErrorResponse } from '../contract/error-codes.js';
import { HTTP_STATUS } from '../contract/http-status.js';
import { isSlipwayError } from '../domain/errors.js';

export interface ErrorReply {
  readonly status: number;
  readonly body: ErrorResponse;
  /** True when the cause is a bug or an unexpected failure: log it at error level with its stack. */
  readonly unexpected: boolean;
}

const GENERIC_MESSAGE = 'An internal error occurred. The server log has the details.';

/** Fastify's own request errors, by code, and the code we report for each. */
const FASTIFY_CODES: Readonly<Record<string, { code: ErrorCode; message?: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than the limit.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_REQUEST', message: 'The JSON request body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'MALFORMED_REQUEST',
    message: 'The request body is not valid JSON (or uses a forbidden key such as __proto__ or constructor).',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST' },
  FST_ERR_VALIDATION: { code: 'INVALID_PARAMETER_VALUE' },
  FST_ERR_NOT_FOUND: { code: 'ENDPOINT_NOT_FOUND' },
  FST_ERR_BAD_URL: { code: 'BAD_REQUEST', message: 'The request URL is malformed.' },
};

/** For other Fastify client errors, the code by status. */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'ENDPOINT_NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'REQUEST_LIMIT_EXCEEDED',
};

interface FastifyLikeError {
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
}

function isFastifyClientError(error: unknown): error is FastifyLikeError {
  if (typeof error !== 'object' || error === null) return false;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number' && statusCode < 500;
}

function fromFastify(error: FastifyLikeError): ErrorReply {
  const known = FASTIFY_CODES[error.code];
  const code = known?.code ?? CODE_BY_STATUS[error.statusCode] ?? 'BAD_REQUEST';
  return reply(code, known?.message ?? error.message);
}

const reply = (code: ErrorCode, message: string): ErrorReply => ({
  status: HTTP_STATUS[code],
  body: { error_code: code, message },
  unexpected: false,
});

const INTERNAL: ErrorReply = { ...reply('INTERNAL_ERROR', GENERIC_MESSAGE), unexpected: true };

/**
 * The HTTP answer for anything thrown: a SlipwayError keeps its code and message (messages are written for
 * users and name no server paths); Fastify's client errors map to our codes; anything else is a generic 500.
 */
export function toErrorReply(error: unknown): ErrorReply {
  if (isSlipwayError(error)) return error.code === 'INTERNAL_ERROR' ? INTERNAL : reply(error.code, error.message);
  if (isFastifyClientError(error)) return fromFastify(error);
  return INTERNAL;
}
