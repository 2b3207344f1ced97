import { DEFAULT_SCORING_LIMITS, quoted, type ScoringLimits, scoringError } from './scoring-error.js';

/**
 * A scoring request reduced to three shapes:
 * - `frame`: a table (dataframe_split, dataframe_records, instances given as records); `columns` is undefined
 *   when the client sent positional rows without names; a record missing a key holds `undefined` there;
 * - `tensor`: one unnamed tensor as nested arrays (inputs or instances given as a list);
 * - `named`: named inputs (inputs given as an object: tensors, or columns of a table).
 */
export type ScoringPayload =
  | {
      readonly kind: 'frame';
      readonly columns: readonly string[] | undefined;
      readonly rows: readonly (readonly unknown[])[];
    }
  | { readonly kind: 'tensor'; readonly value: unknown }
  | { readonly kind: 'named'; readonly values: Readonly<Record<string, unknown>> };

export interface ScoringRequest {
  readonly payload: ScoringPayload;
  /** The optional `params` object, for models whose signature has params. */
  readonly params: Readonly<Record<string, unknown>> | undefined;
}

export const SCORING_FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses the JSON body of an MLflow scoring request (`POST /invocations`): an object with exactly one of
 * dataframe_split, dataframe_records, instances or inputs, and optionally params. Anything else is BAD_REQUEST.
 */
export function parseScoringRequest(body: unknown, limits: ScoringLimits = DEFAULT_SCORING_LIMITS): ScoringRequest {
  if (!isRecord(body)) {
    const got = Array.isArray(body) ? 'a list' : body === null ? 'null' : `a ${typeof body}`;
    throw scoringError(
      `The request body must be a JSON object with one of ${SCORING_FORMATS.join(', ')}; received ${got}.`,
    );
  }
  if (Object.hasOwn(body, 'signature_name')) throw scoringError('signature_name is not supported.');
  const formats = SCORING_FORMATS.filter((key) => Object.hasOwn(body, key));
  if (formats.length !== 1) {
    throw scoringError(
      `The request must contain exactly one of ${SCORING_FORMATS.join(', ')} (the MLflow 2.0 scoring protocol); ` +
        `it has ${formats.length === 0 ? 'none' : formats.join(' and ')}.`,
    );
  }
  const format = formats[0] as (typeof SCORING_FORMATS)[number];
  const extra = Object.keys(body).filter((key) => key !== format && key !== 'params');
  if (extra.length > 0) throw scoringError(`Unexpected keys next to ${format}: ${extra.map(quoted).join(', ')}.`);
  return { payload: payloadOf(format, body[format], limits), params: paramsOf(body.params) };
}

function paramsOf(params: unknown): Readonly<Record<string, unknown>> | undefined {
  if (params === undefined || params === null) return undefined;
  if (!isRecord(params)) throw scoringError('params must be a JSON object.');
  return params;
}

function payloadOf(format: (typeof SCORING_FORMATS)[number], value: unknown, limits: ScoringLimits): ScoringPayload {
  switch (format) {
    case 'dataframe_split':
      return splitFrame(value, limits);
    case 'dataframe_records':
      if (!Array.isArray(value) || !value.every(isRecord))
        throw scoringError('dataframe_records must be a list of objects.');
      return recordsFrame(value, limits);
    case 'instances':
      if (!Array.isArray(value)) throw scoringError('instances must be a list.');
      return value.length > 0 && value.every(isRecord) ? recordsFrame(value, limits) : tensorPayload(value, limits);
    case 'inputs':
      return isRecord(value) ? { kind: 'named', values: value } : tensorPayload(value, limits);
  }
}

function tensorPayload(value: unknown, limits: ScoringLimits): ScoringPayload {
  if (Array.isArray(value) && value.length > limits.maxRows) throw tooManyRows(limits);
  return { kind: 'tensor', value };
}

const tooManyRows = (limits: ScoringLimits) => scoringError(`The request has more than ${limits.maxRows} rows.`);

function splitFrame(value: unknown, limits: ScoringLimits): ScoringPayload {
  if (!isRecord(value)) throw scoringError('dataframe_split must be an object with columns and data.');
  const unknown = Object.keys(value).filter((key) => !['columns', 'data', 'index'].includes(key));
  if (unknown.length > 0)
    throw scoringError(
      `dataframe_split may only have columns, data and index; it has ${unknown.map(quoted).join(', ')}.`,
    );
  const { columns, data } = value;
  if (!Array.isArray(data)) throw scoringError('dataframe_split.data must be a list of rows.');
  if (data.length > limits.maxRows) throw tooManyRows(limits);
  if (columns !== undefined && (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))) {
    throw scoringError('dataframe_split.columns must be a list of strings.');
  }
  const rows = data.map((row: unknown) => (Array.isArray(row) ? row : [row]));
  const width = columns?.length ?? rows[0]?.length ?? 0;
  const bad = rows.findIndex((row) => row.length !== width);
  if (bad !== -1)
    throw scoringError(`dataframe_split.data row ${bad} has ${rows[bad]?.length} values; expected ${width}.`);
  if (width * rows.length > limits.maxElements)
    throw scoringError(`The request has more than ${limits.maxElements} values.`);
  return { kind: 'frame', columns: columns as string[] | undefined, rows };
}

/** Records → a table whose columns are every key, in order of first appearance. */
function recordsFrame(records: readonly Record<string, unknown>[], limits: ScoringLimits): ScoringPayload {
  if (records.length > limits.maxRows) throw tooManyRows(limits);
  const columns: string[] = [];
  const seen = new Set<string>();
  let values = 0;
  for (const record of records) {
    for (const key of Object.keys(record)) {
      values += 1;
      if (!seen.has(key)) columns.push(key);
      seen.add(key);
    }
  }
  if (values > limits.maxElements) throw scoringError(`The request has more than ${limits.maxElements} values.`);
  const rows = records.map((record) =>
    columns.map((column) => (Object.hasOwn(record, column) ? record[column] : undefined)),
  );
  return { kind: 'frame', columns, rows };
}
