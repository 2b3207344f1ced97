import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';
import { HTTP_STATUS } from './http-status.js';

/** MLflow's statuses (mlflow/exceptions.py), plus Slipway's three own codes. */
const EXPECTED: Readonly<Record<string, number>> = {
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
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
  CORRUPT_OBJECT: 500,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

describe('HTTP_STATUS', () => {
  it('has a status for every error code and nothing else', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ERROR_CODES)('maps %s to its MLflow status', (code) => {
    expect(HTTP_STATUS[code]).toBe(EXPECTED[code]);
  });
});
