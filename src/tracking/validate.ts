import { invalidParameter, type SlipwayError } from '../domain/errors.js';
import { TRACKING_LIMITS } from './limits.js';

/** MLflow's rule for metric, param and tag keys (non-Windows): word characters, `/`, `.`, `-`, space and `:`. */
const KEY_CHARACTERS = /^[/\p{L}\p{N}_.\- :]*$/u;
const BAD_CHARACTERS =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

/** A JSON rendering of a value for messages: at most ~100 characters, never the whole huge string. */
export function quote(value: unknown): string {
  const text = JSON.stringify(typeof value === 'string' && value.length > 100 ? `${value.slice(0, 100)}…` : value);
  return text ?? String(value);
}

/** MLflow's message for a bad value of a request field. */
export const invalidValue = (path: string, value: unknown, problem: string, hint?: string): SlipwayError =>
  invalidParameter(`Invalid value ${quote(value)} for parameter '${path}' supplied: ${problem}`, hint ? { hint } : {});

export const missingValue = (path: string): SlipwayError =>
  invalidParameter(`Missing value for required parameter '${path}'.`, { hint: `Send '${path}' in the request.` });

/** Python's posixpath.normpath, which MLflow uses to refuse names that resolve to other names. */
export function normpath(path: string): string {
  if (path === '') return '.';
  const initial = path.startsWith('//') && !path.startsWith('///') ? 2 : path.startsWith('/') ? 1 : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    const keep = part !== '..' || (initial === 0 && parts.length === 0) || parts.at(-1) === '..';
    if (keep) parts.push(part);
    else parts.pop();
  }
  return '/'.repeat(initial) + parts.join('/') || '.';
}

/** Whether MLflow refuses the name because, read as a path, it would resolve to another name. */
export function pathNotUnique(name: string): boolean {
  const norm = normpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

/**
 * Checks a metric, param or tag key as MLflow does: allowed characters, not resolving to another name as a path
 * (`a/../b`, `./a`, `/a`, `a/`, empty), at most `limit` characters.
 */
export function checkKey(path: string, key: string, limit: number = TRACKING_LIMITS.maxEntityKeyLength): void {
  if (!KEY_CHARACTERS.test(key)) {
    throw invalidValue(path, key, BAD_CHARACTERS, 'Rename the key using only those characters.');
  }
  if (pathNotUnique(key)) {
    throw invalidValue(
      path,
      key,
      `Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normpath(key)}'.`,
      'Remove empty, "." and ".." segments and leading or trailing slashes.',
    );
  }
  checkLength(path, key, limit);
}

/** Checks that a stored string is at most `limit` characters and has no NUL (which PostgreSQL text cannot hold). */
export function checkLength(path: string, value: string, limit: number): void {
  if (value.length > limit) {
    throw invalidParameter(`'${path}' exceeds the maximum length of ${limit} characters (got ${value.length}).`, {
      hint: 'Shorten the value, or store large content as an artifact.',
    });
  }
  if (value.includes('\u0000')) throw invalidValue(path, value, 'it must not contain NUL characters.');
}

export interface TagLimits {
  readonly key: number;
  readonly value: number;
}

/** Checks one tag's key and value; `at` prefixes the field paths in messages (`tags[2]` → `tags[2].key`). */
export function checkTag(tag: { readonly key: string; readonly value: string }, limits: TagLimits, at = ''): void {
  checkKey(fieldPath(at, 'key'), tag.key, limits.key);
  checkLength(fieldPath(at, 'value'), tag.value, limits.value);
}

/** `key` at the top level, `tags[2].key` inside a list. */
export const fieldPath = (at: string, field: string): string => (at === '' ? field : `${at}.${field}`);

/** Checks a tag list (keys, value lengths) and returns it with duplicate keys collapsed, the last value winning. */
export function checkTags(
  path: string,
  tags: ReadonlyArray<{ readonly key: string; readonly value: string }>,
  limits: TagLimits,
): Array<{ key: string; value: string }> {
  const byKey = new Map<string, string>();
  tags.forEach((tag, index) => {
    checkTag(tag, limits, `${path}[${index}]`);
    byKey.set(tag.key, tag.value);
  });
  return [...byKey].map(([key, value]) => ({ key, value }));
}

export const RUN_TAG_LIMITS = {
  key: TRACKING_LIMITS.maxEntityKeyLength,
  value: TRACKING_LIMITS.maxTagValueLength,
} as const;

export const EXPERIMENT_TAG_LIMITS = {
  key: TRACKING_LIMITS.maxExperimentTagKeyLength,
  value: TRACKING_LIMITS.maxExperimentTagValueLength,
} as const;

/** A metric timestamp: a non-negative integer (ms) JavaScript reads exactly. */
export function checkTimestamp(path: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidValue(path, value, `it must be an integer from 0 to ${Number.MAX_SAFE_INTEGER} (ms since the epoch).`);
  }
}

/** A metric step: an integer JavaScript reads exactly (MLflow allows negative steps). */
export function checkStep(path: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw invalidValue(
      path,
      value,
      `it must be an integer from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}.`,
    );
  }
}

/** A metric value: any double, NaN and ±Infinity included; not a string or boolean. */
export function checkMetricValue(path: string, value: number): void {
  if (typeof value !== 'number') {
    throw invalidValue(path, value, 'Please specify value as a valid double (64-bit floating point).');
  }
}

/** An experiment name: not empty, at most 500 characters. */
export function checkExperimentName(path: string, name: string): void {
  if (name === '') throw invalidValue(path, name, 'an experiment name must not be empty.');
  checkLength(path, name, TRACKING_LIMITS.maxExperimentNameLength);
}

/** Refuses more than `limit` entries in a list field. */
export function checkTagCount(path: string, count: number, limit: number): void {
  if (count > limit) {
    throw invalidParameter(`'${path}' has ${count} entries; at most ${limit} are accepted per request.`, {
      hint: 'Set the rest in further requests.',
    });
  }
}
