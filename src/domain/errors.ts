import type { ErrorCode } from '../contract/error-codes.js';

export type { ErrorCode } from '../contract/error-codes.js';

export interface SlipwayErrorOptions {
  /** What the user can do about it: a command to run, a setting to change. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/**
 * The one error family of Slipway. A code from a closed set (MLflow's names), a message that names the thing
 * that went wrong, and a hint that says what to do. Errors know no transport: HTTP statuses and exit codes
 * come from one table at each edge.
 */
export class SlipwayError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: SlipwayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SlipwayError';
    this.code = code;
    this.hint = options.hint;
  }
}

export const invalidParameter = (message: string, options?: SlipwayErrorOptions): SlipwayError =>
  new SlipwayError('INVALID_PARAMETER_VALUE', message, options);

export const notFound = (message: string, options?: SlipwayErrorOptions): SlipwayError =>
  new SlipwayError('RESOURCE_DOES_NOT_EXIST', message, options);

export const alreadyExists = (message: string, options?: SlipwayErrorOptions): SlipwayError =>
  new SlipwayError('RESOURCE_ALREADY_EXISTS', message, options);

export const corruptObject = (message: string, options?: SlipwayErrorOptions): SlipwayError =>
  new SlipwayError('CORRUPT_OBJECT', message, options);

export const isSlipwayError = (value: unknown): value is SlipwayError => value instanceof SlipwayError;

/** Turns anything thrown into a SlipwayError, keeping the original as the cause. */
export const toSlipwayError = (value: unknown): SlipwayError =>
  isSlipwayError(value)
    ? value
    : new SlipwayError('INTERNAL_ERROR', 'An internal error occurred.', {
        cause: value,
        hint: 'This is a bug in Slipway; the server log has the details.',
      });
