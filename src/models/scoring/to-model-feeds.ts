import type { ColumnSpec, ModelSignature, TensorSpec } from '../signature/model-signature.js';
import { allocateTensorData, type Tensor, type TensorInfo } from '../tensor/tensor.js';
import { checkValue, jsonToTensor, setElement } from './json-to-tensor.js';
import type { ScoringPayload } from './parse-scoring-request.js';
import { DEFAULT_SCORING_LIMITS, quoted, type ScoringLimits, scoringError } from './scoring-error.js';

/** What the conversion needs of a model: a LoadedModel fits. */
export interface ModelInputs {
  readonly signature: ModelSignature | undefined;
  readonly inputs: readonly TensorInfo[];
}

export interface ModelFeeds {
  /** One tensor per model input, rows first. */
  readonly feeds: Record<string, Tensor>;
  readonly rows: number;
}

/** A table column resolved against the signature: its values by row, and whether null is allowed. */
interface Column {
  readonly name: string;
  readonly spec: ColumnSpec | undefined;
  readonly values: (row: number) => unknown;
}

interface Frame {
  readonly columns: readonly string[] | undefined;
  readonly rows: readonly (readonly unknown[])[];
}

/**
 * Turns a parsed scoring payload into the model's input tensors, validated against the signature: column names
 * (missing required or unknown columns), column types (an integer column refuses 1.5), null/NaN only in optional
 * float columns, tensor dtypes and shapes. Every error is BAD_REQUEST and names the column or input and the row.
 *
 * A table feeds a single-input model as one [rows, columns] matrix (columns in signature order), and a
 * multi-input model one column per input, by name, as MLflow's onnx flavor does.
 */
export function toModelFeeds(payload: ScoringPayload, model: ModelInputs, limits = DEFAULT_SCORING_LIMITS): ModelFeeds {
  const columnSignature = model.signature?.inputs.kind === 'columns' ? model.signature.inputs.columns : undefined;
  if (payload.kind === 'frame') return frameFeeds(payload, model, columnSignature);
  if (columnSignature !== undefined) return frameFeeds(asFrame(payload, limits), model, columnSignature);
  const specs = model.signature?.inputs.kind === 'tensors' ? model.signature.inputs.tensors : undefined;
  return payload.kind === 'named'
    ? namedTensorFeeds(payload.values, model.inputs, specs, limits)
    : singleTensorFeeds(payload.value, model.inputs, specs, limits);
}

/** A tensor or named payload read as a table: a matrix is rows × columns; named lists are columns. */
function asFrame(payload: Exclude<ScoringPayload, { kind: 'frame' }>, limits: ScoringLimits): Frame {
  if (payload.kind === 'tensor') {
    if (!Array.isArray(payload.value)) throw scoringError('The model takes a table: send a list of rows.');
    return { columns: undefined, rows: payload.value.map((row: unknown) => (Array.isArray(row) ? row : [row])) };
  }
  const columns = Object.keys(payload.values);
  const lists = columns.map((name) => {
    const value = payload.values[name];
    return Array.isArray(value) ? value : [value];
  });
  const rows = lists[0]?.length ?? 0;
  if (rows > limits.maxRows) throw scoringError(`The request has more than ${limits.maxRows} rows.`);
  const bad = lists.findIndex((list) => list.length !== rows);
  if (bad !== -1)
    throw scoringError(`Column ${quoted(columns[bad] ?? '')} has ${lists[bad]?.length} values; expected ${rows}.`);
  return { columns, rows: Array.from({ length: rows }, (_, row) => lists.map((list) => list[row])) };
}

function frameFeeds(frame: Frame, model: ModelInputs, signature: readonly ColumnSpec[] | undefined): ModelFeeds {
  const columns = signature === undefined ? unsignedColumns(frame, model.inputs) : signedColumns(frame, signature);
  const rows = frame.rows.length;
  const [only] = model.inputs;
  if (model.inputs.length === 1 && only !== undefined)
    return { feeds: { [only.name]: matrix(columns, only, rows) }, rows };
  const feeds: Record<string, Tensor> = {};
  for (const input of model.inputs) {
    const column = columns.find((c) => c.name === input.name);
    if (column === undefined) throw scoringError(`Missing column ${quoted(input.name)} (a model input).`);
    feeds[input.name] = matrix([column], input, rows, true);
  }
  return { feeds, rows };
}

function signedColumns(frame: Frame, signature: readonly ColumnSpec[]): Column[] {
  if (frame.columns === undefined) return positionalColumns(frame, signature);
  const index = new Map(frame.columns.map((name, i) => [name, i]));
  const known = new Set(signature.map((spec) => spec.name));
  const extra = frame.columns.filter((name) => !known.has(name));
  if (extra.length > 0)
    throw scoringError(
      `Unexpected columns ${extra.map(quoted).join(', ')}; the model takes ${signatureNames(signature)}.`,
    );
  return signature.map((spec, position) => {
    const name = spec.name ?? String(position);
    const at = index.get(name);
    if (at === undefined && spec.required) throw scoringError(`Missing required column ${quoted(name)}.`);
    return { name, spec, values: (row: number) => (at === undefined ? null : frame.rows[row]?.[at]) };
  });
}

function positionalColumns(frame: Frame, signature: readonly ColumnSpec[]): Column[] {
  const width = frame.rows[0]?.length ?? signature.length;
  if (width !== signature.length) {
    throw scoringError(`Each row needs ${signature.length} values (${signatureNames(signature)}); got ${width}.`);
  }
  return signature.map((spec, at) => ({ name: spec.name ?? String(at), spec, values: (row) => frame.rows[row]?.[at] }));
}

const signatureNames = (signature: readonly ColumnSpec[]): string =>
  signature.length > 20 ? `${signature.length} columns` : signature.map((spec) => quoted(spec.name ?? '?')).join(', ');

function unsignedColumns(frame: Frame, inputs: readonly TensorInfo[]): Column[] {
  const width = frame.columns?.length ?? frame.rows[0]?.length ?? 0;
  const names = frame.columns ?? (inputs.length === 1 ? Array.from({ length: width }, (_, i) => String(i)) : undefined);
  if (names === undefined) throw scoringError('The model has several inputs: name the columns.');
  return names.map((name, at) => ({ name, spec: undefined, values: (row) => frame.rows[row]?.[at] }));
}

/** Columns → one tensor of the input's dtype: [rows, columns], or [rows] for a rank-1 input. */
function matrix(columns: readonly Column[], input: TensorInfo, rows: number, single = false): Tensor {
  const width = columns.length;
  const rank = input.shape?.length ?? 2;
  const fixed = input.shape?.[1];
  if (rank === 2 && fixed !== null && fixed !== undefined && fixed !== width) {
    throw scoringError(`The model input ${quoted(input.name)} takes ${fixed} columns; the request has ${width}.`);
  }
  const data = allocateTensorData(input.dtype, rows * width);
  columns.forEach((column, c) => {
    fillColumn(data, column, input, rows, width, c);
  });
  const shape = rank === 1 || (single && rank !== 2) ? [rows] : [rows, width];
  return { dtype: input.dtype, shape, data };
}

function fillColumn(data: Tensor['data'], column: Column, input: TensorInfo, rows: number, width: number, c: number) {
  const site = {
    what: () => `Column ${quoted(column.name)}`,
    nullable: column.spec !== undefined && !column.spec.required,
  };
  const type = column.spec?.type;
  for (let row = 0; row < rows; row++) {
    let value = column.values(row);
    if (value === undefined) value = null;
    if (type === 'long' || type === 'integer') checkValue(value, type === 'long' ? 'int64' : 'int32', site, [row]);
    if (typeof value === 'boolean' && type === 'boolean' && input.dtype !== 'bool') value = Number(value);
    setElement(data, row * width + c, value, input.dtype, site, [row]);
  }
}

function namedTensorFeeds(
  values: Readonly<Record<string, unknown>>,
  inputs: readonly TensorInfo[],
  specs: readonly TensorSpec[] | undefined,
  limits: ScoringLimits,
): ModelFeeds {
  const names = new Set(inputs.map((input) => input.name));
  const extra = Object.keys(values).filter((name) => !names.has(name));
  if (extra.length > 0)
    throw scoringError(
      `Unexpected inputs ${extra.map(quoted).join(', ')}; the model takes ${[...names].map(quoted).join(', ')}.`,
    );
  const feeds: Record<string, Tensor> = {};
  for (const input of inputs) {
    if (!Object.hasOwn(values, input.name)) throw scoringError(`Missing input ${quoted(input.name)}.`);
    const spec = specs?.find((s) => s.name === input.name);
    feeds[input.name] = tensorFor(values[input.name], input, spec, limits);
  }
  return { feeds, rows: sameRows(feeds) };
}

function singleTensorFeeds(
  value: unknown,
  inputs: readonly TensorInfo[],
  specs: readonly TensorSpec[] | undefined,
  limits: ScoringLimits,
): ModelFeeds {
  const [only] = inputs;
  if (inputs.length !== 1 || only === undefined) {
    throw scoringError(
      `The model has ${inputs.length} inputs (${inputs.map((i) => quoted(i.name)).join(', ')}): send them by name.`,
    );
  }
  const tensor = tensorFor(value, only, specs?.[0], limits);
  return { feeds: { [only.name]: tensor }, rows: tensor.shape[0] ?? 1 };
}

function tensorFor(value: unknown, input: TensorInfo, spec: TensorSpec | undefined, limits: ScoringLimits): Tensor {
  const what = `Input ${quoted(input.name)}`;
  const tensor = jsonToTensor(value, input.dtype, { what, nullable: false }, limits);
  const expected = spec?.shape.map((d) => (d < 0 ? null : d)) ?? input.shape;
  if (expected === undefined) return tensor;
  const fits = expected.length === tensor.shape.length && expected.every((d, i) => d === null || d === tensor.shape[i]);
  if (!fits) {
    const want = `[${expected.map((d) => d ?? -1).join(', ')}]`;
    throw scoringError(`${what} has shape [${tensor.shape.join(', ')}]; the model takes ${want} (-1: any size).`);
  }
  return tensor;
}

function sameRows(feeds: Readonly<Record<string, Tensor>>): number {
  const counts = new Set(Object.values(feeds).map((tensor) => tensor.shape[0] ?? 1));
  if (counts.size > 1) throw scoringError(`The inputs have different numbers of rows (${[...counts].join(', ')}).`);
  return counts.values().next().value ?? 0;
}
