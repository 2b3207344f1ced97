import { invalidParameter, SlipwayError } from '../../domain/errors.js';

/** The largest serialized payload accepted, in UTF-8 bytes of JSON (1 MiB). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** The deepest nesting accepted (a cyclic value hits this limit too). */
export const MAX_PAYLOAD_DEPTH = 64;

export type JsonObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Serializes a payload that must be a plain JSON object: nested plain objects, arrays, strings, finite numbers,
 * booleans and null; no `__proto__` keys; at most MAX_PAYLOAD_DEPTH deep and MAX_PAYLOAD_BYTES long. Anything
 * else is INVALID_PARAMETER_VALUE naming the path of the first offending value (`payload.metrics[2]`).
 */
export function serializePayload(payload: unknown, name = 'payload'): string {
  if (!isPlainObject(payload)) throw invalidParameter(`${name} must be a JSON object.`);
  const problem = problemIn(payload, name, 0);
  if (problem !== undefined) throw invalidParameter(`${problem}.`);
  const text = JSON.stringify(payload);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw invalidParameter(`${name} is ${bytes} bytes as JSON; the limit is ${MAX_PAYLOAD_BYTES} (1 MiB).`, {
      hint: 'Store large data as an artifact and put its digest or path in the payload.',
    });
  }
  return text;
}

function problemIn(value: unknown, path: string, depth: number): string | undefined {
  if (depth > MAX_PAYLOAD_DEPTH) return `${path} is nested deeper than ${MAX_PAYLOAD_DEPTH} levels (or is cyclic)`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} must be a finite number`;
  if (Array.isArray(value)) return arrayProblem(value, path, depth);
  if (isPlainObject(value)) return objectProblem(value, path, depth);
  return `${path} is ${describe(value)}, which is not JSON`;
}

function arrayProblem(items: readonly unknown[], path: string, depth: number): string | undefined {
  for (let index = 0; index < items.length; index++) {
    const problem = problemIn(items[index], `${path}[${index}]`, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function objectProblem(object: JsonObject, path: string, depth: number): string | undefined {
  for (const key of Object.keys(object)) {
    const child = `${path}.${key.length > 40 ? `${key.slice(0, 40)}…` : key}`;
    if (key === '__proto__') return `${child}: the key __proto__ is not allowed`;
    const problem = problemIn(object[key], child, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name: unknown = Object.getPrototypeOf(value)?.constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a prototype';
}

/** `__proto__` keys are dropped while parsing, so stored text can never smuggle a prototype into a merge. */
const dropPrototypeKeys = (key: string, value: unknown): unknown => (key === '__proto__' ? undefined : value);

/** Parses a stored payload back to an object; damaged text is DATA_LOSS naming `what` (e.g. "event 42"). */
export function parsePayload(text: string, what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text, dropPrototypeKeys);
  } catch (error) {
    throw new SlipwayError('DATA_LOSS', `The stored payload of ${what} is not valid JSON.`, { cause: error });
  }
  if (isPlainObject(value)) return value;
  throw new SlipwayError('DATA_LOSS', `The stored payload of ${what} is not a JSON object.`);
}
