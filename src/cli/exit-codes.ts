import type { ErrorCode } from '../contract/error-codes.js';

/** Exit statuses by meaning; docs/cli.md lists them. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  unavailable: 5,
  corrupt: 6,
  denied: 7,
  invalidState: 8,
  cancelled: 130,
} as const;

/** The one table from error code to exit status. Typed total: a new code without a status does not compile. */
export const EXIT_CODE: Readonly<Record<ErrorCode, number>> = Object.freeze({
  INTERNAL_ERROR: EXIT.internal,
  NOT_IMPLEMENTED: EXIT.internal,
  INVALID_STATE: EXIT.invalidState,
  DATA_LOSS: EXIT.corrupt,
  CORRUPT_OBJECT: EXIT.corrupt,
  TEMPORARILY_UNAVAILABLE: EXIT.unavailable,
  DEADLINE_EXCEEDED: EXIT.unavailable,
  REQUEST_LIMIT_EXCEEDED: EXIT.unavailable,
  RESOURCE_EXHAUSTED: EXIT.unavailable,
  CANCELLED: EXIT.cancelled,
  ABORTED: EXIT.conflict,
  RESOURCE_CONFLICT: EXIT.conflict,
  RESOURCE_ALREADY_EXISTS: EXIT.conflict,
  ENDPOINT_NOT_FOUND: EXIT.notFound,
  RESOURCE_DOES_NOT_EXIST: EXIT.notFound,
  PERMISSION_DENIED: EXIT.denied,
  UNAUTHENTICATED: EXIT.denied,
  BAD_REQUEST: EXIT.usage,
  MALFORMED_REQUEST: EXIT.usage,
  INVALID_PARAMETER_VALUE: EXIT.usage,
  PAYLOAD_TOO_LARGE: EXIT.usage,
  UNSUPPORTED_MEDIA_TYPE: EXIT.usage,
});
