import type { ErrorCode } from '../../contract/error-codes.js';
import { HTTP_STATUS as STATUS } from '../../contract/http-status.js';
import { isSlipwayError } from '../../domain/errors.js';

export interface ServingErrorReply {
  readonly status: number;
  readonly code: ErrorCode;
  readonly message: string;
  /** True for bugs and unexpected failures: log with the stack, never send details. */
  readonly unexpected: boolean;
}

/** Fastify's own client errors that reach the handler, by code. */
const FASTIFY: Readonly<Record<string, { code: ErrorCode; message: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than the limit.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Content-Type.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_REQUEST', message: 'The JSON request body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'BAD_REQUEST',
    message: 'The request body is not valid JSON (or uses a forbidden key such as __proto__ or constructor).',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', message: 'Invalid Content-Length.' },
  FST_ERR_BAD_URL: { code: 'BAD_REQUEST', message: 'The request URL is malformed.' },
};

const INTERNAL: ServingErrorReply = {
  status: 500,
  code: 'INTERNAL_ERROR',
  message: 'An internal error occurred. The server log has the details.',
  unexpected: true,
};

/** The answer for anything thrown: SlipwayErrors keep code and message (written for users), the rest is a 500. */
export function servingErrorReply(error: unknown): ServingErrorReply {
  if (isSlipwayError(error) && error.code !== 'INTERNAL_ERROR') {
    return { status: STATUS[error.code], code: error.code, message: error.message, unexpected: false };
  }
  const known = FASTIFY[(error as { code?: unknown } | null)?.code as string];
  if (known !== undefined) return { status: STATUS[known.code], ...known, unexpected: false };
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: 'BAD_REQUEST', message: 'Bad request.', unexpected: false };
  }
  return INTERNAL;
}
