import { z } from 'zod';

/**
 * The closed set of error codes Slipway reports. The names are MLflow's (databricks.proto), so MLflow
 * clients recognise them; CORRUPT_OBJECT, PAYLOAD_TOO_LARGE and UNSUPPORTED_MEDIA_TYPE are Slipway's own.
 */
export const ERROR_CODES = [
  'INTERNAL_ERROR',
  'INVALID_STATE',
  'DATA_LOSS',
  'CORRUPT_OBJECT',
  'NOT_IMPLEMENTED',
  'TEMPORARILY_UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'REQUEST_LIMIT_EXCEEDED',
  'RESOURCE_EXHAUSTED',
  'CANCELLED',
  'ABORTED',
  'RESOURCE_CONFLICT',
  'ENDPOINT_NOT_FOUND',
  'RESOURCE_DOES_NOT_EXIST',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'BAD_REQUEST',
  'MALFORMED_REQUEST',
  'RESOURCE_ALREADY_EXISTS',
  'INVALID_PARAMETER_VALUE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorCodeSchema = z.enum(ERROR_CODES);

/** The body of every HTTP error response, as MLflow sends it. */
export const errorResponseSchema = z.object({
  error_code: errorCodeSchema,
  message: z.string(),
});

export type ErrorResponse = z.infer<typeof errorResponseSchema>;
