import type { z } from 'zod';
import { invalidParameter, type SlipwayError } from '../../../domain/errors.js';
import { quote } from '../../../tracking/validate.js';

type Issue = z.core.$ZodIssue;

/** `['metrics', 3, 'value']` → `metrics[3].value`. */
function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text === '' ? String(part) : `${text}.${String(part)}`;
  }, '');
}

function describe(issue: Issue): string {
  const path = issuePath(issue.path);
  if (path === '') return `Invalid request: ${issue.message}; the body must be a JSON object.`;
  const missing = issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
  if (missing) return `Missing value for required parameter '${path}'.`;
  return `Invalid value ${quote(issue.input)} for parameter '${path}' supplied: ${issue.message}.`;
}

/** All of zod's issues as one INVALID_PARAMETER_VALUE naming the field(s). */
function toError(issues: readonly Issue[]): SlipwayError {
  const [first, ...rest] = issues;
  const more =
    rest.length > 0
      ? ` (${rest.length} more problem${rest.length > 1 ? 's' : ''}: ${rest
          .slice(0, 3)
          .map((issue) => issuePath(issue.path) || 'body')
          .join(', ')})`
      : '';
  return invalidParameter(`${first ? describe(first) : 'Invalid request.'}${more}`, {
    hint: 'Check the request against the MLflow REST API reference (docs/tracking.md).',
  });
}

/** Parses a JSON request body (absent counts as `{}`); unknown fields are ignored, as MLflow's parser does. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw toError(result.error.issues);
}

/**
 * Parses a query string (GET endpoints). A field given more than once takes its first value unless listed in
 * `repeated`, where it stays a list (and a single value becomes a one-item list).
 */
export function parseQuery<S extends z.ZodType>(
  schema: S,
  query: unknown,
  repeated: readonly string[] = [],
): z.output<S> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (repeated.includes(name)) fields[name] = Array.isArray(value) ? value : [value];
    else fields[name] = Array.isArray(value) ? value[0] : value;
  }
  return parseBody(schema, fields);
}

/** MLflow requests name the run as run_id, run_uuid (older clients) or both; run_id wins. */
export const runIdOf = (message: { run_id?: string | undefined; run_uuid?: string | undefined }): string =>
  message.run_id || message.run_uuid || '';
