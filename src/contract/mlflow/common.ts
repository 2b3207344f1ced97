import { z } from 'zod';

/**
 * Field schemas shared by the MLflow messages (mlflow/protos/service.proto). Requests are parsed the way
 * protobuf's JSON parser does: unknown fields are ignored, int64 fields take JSON numbers or decimal strings,
 * double fields take numbers, numeric strings and "NaN", "Infinity", "-Infinity".
 */

export const stringField = z.string({ error: 'expected a string' });

/** Experiment ids are strings on the wire; a JSON integer is accepted and read as its decimal string. */
export const experimentIdField = z
  .union([z.string(), z.number().int()], { error: 'expected a string' })
  .transform(String);

const INTEGER_TEXT = /^-?\d{1,20}$/;
const INT64_PROBLEM = `expected an integer from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}`;

/**
 * An int64 field read as a JS number. Values beyond ±(2^53 − 1) are refused rather than silently rounded (a
 * JSON number that large has already lost its low digits when parsed).
 */
export const int64Field = z.union([z.number(), z.string()], { error: INT64_PROBLEM }).transform((value, context) => {
  const number = typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isSafeInteger(number)) return number;
  context.addIssue({ code: 'custom', message: INT64_PROBLEM, input: value });
  return z.NEVER;
});

/** An int32 field (max_results). */
export const int32Field = int64Field.pipe(
  z.number().int().min(-2_147_483_648).max(2_147_483_647, { error: 'expected a 32-bit integer' }),
);

const SPECIAL_DOUBLES: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};
const DECIMAL_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DOUBLE_PROBLEM = 'expected a number, or "NaN", "Infinity" or "-Infinity"';

/** A double field: numbers, numeric strings, and protobuf's spellings of NaN and the infinities. */
export const doubleField = z.union([z.number(), z.string()], { error: DOUBLE_PROBLEM }).transform((value, context) => {
  if (typeof value === 'number') return value;
  const special = SPECIAL_DOUBLES[value];
  if (special !== undefined && Object.hasOwn(SPECIAL_DOUBLES, value)) return special;
  if (DECIMAL_TEXT.test(value)) return Number(value);
  context.addIssue({ code: 'custom', message: DOUBLE_PROBLEM, input: value });
  return z.NEVER;
});

/** A double as protobuf JSON writes it: a number, or "NaN", "Infinity", "-Infinity". */
export type WireDouble = number | 'NaN' | 'Infinity' | '-Infinity';

export function encodeDouble(value: number): WireDouble {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

/** The response side of a double: what encodeDouble writes. */
export const wireDoubleSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

/** A key/value entry (RunTag, Param, ExperimentTag, InputTag): value defaults to "" as protobuf's does. */
export const keyValueSchema = z.object({ key: stringField, value: stringField.default('') });

export type KeyValueMessage = { key: string; value: string };

/** Run status names (RunStatus enum). */
export const RUN_STATUS_NAMES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export const runStatusField = z.enum(RUN_STATUS_NAMES, {
  error: `expected one of ${RUN_STATUS_NAMES.join(', ')}`,
});

/** Response messages without fields (`{}`). */
export const emptyResponseSchema = z.object({});
export type EmptyResponse = Record<string, never>;
