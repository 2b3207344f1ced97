import type { Writable } from 'node:stream';
import { toSlipwayError } from '../domain/errors.js';
import { EXIT_CODE } from './exit-codes.js';

export interface RenderErrorOptions {
  readonly json: boolean;
  readonly stream: Writable;
}

const causeMessage = (cause: unknown): string | undefined =>
  cause instanceof Error ? cause.message : cause === undefined ? undefined : String(cause);

/**
 * Prints an error (message, then hint; with --json one object `{error_code, message, hint?}`) and returns
 * the exit status for its code. For an internal error the human form adds the cause, which a user can report.
 */
export function renderError(error: unknown, options: RenderErrorOptions): number {
  const failure = toSlipwayError(error);
  if (options.json) {
    const body = {
      error_code: failure.code,
      message: failure.message,
      ...(failure.hint ? { hint: failure.hint } : {}),
    };
    options.stream.write(`${JSON.stringify(body)}\n`);
  } else {
    const cause = failure.code === 'INTERNAL_ERROR' ? causeMessage(failure.cause) : undefined;
    const lines = [`error: ${failure.message}`, cause && `cause: ${cause}`, failure.hint && `hint: ${failure.hint}`];
    options.stream.write(`${lines.filter(Boolean).join('\n')}\n`);
  }
  return EXIT_CODE[failure.code];
}
