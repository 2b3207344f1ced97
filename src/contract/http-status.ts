import type { ErrorCode } from './error-codes.js';

/**
 * The one table from error code to HTTP status, for the two HTTP edges: the control plane (server/) and the
 * inference server (serving/http/). Values are MLflow's (`mlflow/protos/databricks.proto` via
 * `mlflow/exceptions.py`), including RESOURCE_ALREADY_EXISTS → 400; the last three codes are Slipway's own.
 * Typed as a total Record so a new code without a status does not compile.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
  CORRUPT_OBJECT: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  BAD_REQUEST: 400,
  MALFORMED_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
});
