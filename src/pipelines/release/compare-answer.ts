import type { ScoringPayload } from '../../models/scoring/parse-scoring-request.js';
import type { ColumnType, NumpyDtype, Schema } from '../../models/signature/model-signature.js';

/** A difference between an answer and what a smoke test expects: where (a JSON path) and what. */
export interface Difference {
  readonly path: string;
  readonly what: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value for a message: JSON, cut to 60 characters. */
export function shownValue(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

const child = (path: string, key: string | number) =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`;

/** Numbers within `tolerance`, absolute or relative to the expected value. */
const close = (actual: number, expected: number, tolerance: number) =>
  Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));

/**
 * The first place `actual` differs from `expected`, depth first: numbers within the tolerance, other scalars
 * equal, lists of the same length, and every key of an expected mapping present (keys it does not name are not
 * compared, so `{predictions: [{label: 5}]}` checks only the label).
 */
export function firstDifference(
  actual: unknown,
  expected: unknown,
  tolerance: number,
  path = 'answer',
): Difference | undefined {
  if (typeof expected === 'number') {
    if (typeof actual === 'number' && close(actual, expected, tolerance)) return undefined;
    return { path, what: `is ${shownValue(actual)}, expected ${expected}${tolerance > 0 ? ` (± ${tolerance})` : ''}` };
  }
  if (Array.isArray(expected)) return listDifference(actual, expected, tolerance, path);
  if (isRecord(expected)) return mappingDifference(actual, expected, tolerance, path);
  return actual === expected ? undefined : { path, what: `is ${shownValue(actual)}, expected ${shownValue(expected)}` };
}

function listDifference(actual: unknown, expected: readonly unknown[], tolerance: number, path: string) {
  if (!Array.isArray(actual)) return { path, what: `is ${shownValue(actual)}, expected a list` };
  if (actual.length !== expected.length)
    return { path, what: `has ${actual.length} items, expected ${expected.length}` };
  for (const [i, item] of expected.entries()) {
    const found = firstDifference(actual[i], item, tolerance, child(path, i));
    if (found !== undefined) return found;
  }
  return undefined;
}

function mappingDifference(actual: unknown, expected: Record<string, unknown>, tolerance: number, path: string) {
  if (!isRecord(actual)) return { path, what: `is ${shownValue(actual)}, expected a mapping` };
  for (const [key, item] of Object.entries(expected)) {
    if (!Object.hasOwn(actual, key)) return { path, what: `has no ${JSON.stringify(key)}` };
    const found = firstDifference(actual[key], item, tolerance, child(path, key));
    if (found !== undefined) return found;
  }
  return undefined;
}

type Element = 'number' | 'integer' | 'boolean' | 'string';

interface OutputShape {
  readonly name: string | undefined;
  /** The shape of one row's value; -1 is any size. */
  readonly row: readonly number[];
  readonly element: Element;
  readonly nullable: boolean;
}

const elementOfDtype = (dtype: NumpyDtype): Element => {
  if (dtype.startsWith('float')) return 'number';
  if (dtype.startsWith('int') || dtype.startsWith('uint')) return 'integer';
  return dtype === 'bool' ? 'boolean' : 'string';
};

const elementOfColumn = (type: ColumnType): Element => {
  if (type === 'double' || type === 'float') return 'number';
  if (type === 'integer' || type === 'long') return 'integer';
  return type === 'boolean' ? 'boolean' : 'string';
};

function outputShapes(schema: Schema): OutputShape[] {
  if (schema.kind === 'columns') {
    return schema.columns.map((c) => ({ name: c.name, row: [], element: elementOfColumn(c.type), nullable: true }));
  }
  return schema.tensors.map((t) => {
    const element = elementOfDtype(t.dtype);
    return { name: t.name, row: t.shape.slice(1), element, nullable: element === 'number' };
  });
}

/** The rows of a scoring request, as the answer should have them. */
export function requestRows(payload: ScoringPayload): number {
  if (payload.kind === 'frame') return payload.rows.length;
  if (payload.kind === 'tensor') return Array.isArray(payload.value) ? payload.value.length : 1;
  const first = Object.values(payload.values)[0];
  return Array.isArray(first) ? first.length : 1;
}

/**
 * Checks an /invocations answer against the signature's outputs: `predictions` with one record per row (a table
 * request) or one list per output with one item per row (a tensor request), each output present (and no other),
 * each row's value of the output's shape and element type. The first problem, or undefined.
 */
export function checkAnswerSchema(answer: unknown, payload: ScoringPayload, outputs: Schema): Difference | undefined {
  if (!isRecord(answer) || !Object.hasOwn(answer, 'predictions')) {
    return { path: 'answer', what: 'has no "predictions"' };
  }
  const rows = requestRows(payload);
  const shapes = outputShapes(outputs);
  const predictions = answer.predictions;
  if (payload.kind === 'frame') {
    if (!Array.isArray(predictions)) return { path: 'answer.predictions', what: 'is not a list of records' };
    if (predictions.length !== rows) {
      return { path: 'answer.predictions', what: `has ${predictions.length} records for ${rows} rows` };
    }
    for (const [row, record] of predictions.entries()) {
      const found = checkOutputs(record, shapes, `answer.predictions[${row}]`, (value, shape, path) =>
        checkValue(value, shape.row, shape, path),
      );
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return checkOutputs(predictions, shapes, 'answer.predictions', (value, shape, path) => {
    if (!Array.isArray(value)) return { path, what: `is ${shownValue(value)}, expected one item per row` };
    if (value.length !== rows) return { path, what: `has ${value.length} items for ${rows} rows` };
    for (const [row, item] of value.entries()) {
      const found = checkValue(item, shape.row, shape, child(path, row));
      if (found !== undefined) return found;
    }
    return undefined;
  });
}

type CheckOutput = (value: unknown, shape: OutputShape, path: string) => Difference | undefined;

/** Every output of the signature present in `container` (an unnamed single output: the only key), no other. */
function checkOutputs(container: unknown, shapes: readonly OutputShape[], path: string, check: CheckOutput) {
  if (!isRecord(container)) return { path, what: `is ${shownValue(container)}, expected a mapping of outputs` };
  const keys = Object.keys(container);
  const [only] = shapes;
  const names = shapes.length === 1 && only?.name === undefined ? keys.slice(0, 1) : shapes.map((s) => s.name ?? '');
  const extra = keys.filter((key) => !names.includes(key));
  if (extra.length > 0) {
    return {
      path,
      what: `has ${extra.map((k) => JSON.stringify(k)).join(', ')}, which the signature's outputs do not list`,
    };
  }
  for (const [i, shape] of shapes.entries()) {
    const name = names[i] ?? '';
    if (!Object.hasOwn(container, name)) return { path, what: `has no output ${JSON.stringify(name)}` };
    const found = check(container[name], shape, child(path, name));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** One row's value: a scalar where the row holds one value, else nested lists of the row's shape. */
function checkValue(value: unknown, dims: readonly number[], shape: OutputShape, path: string): Difference | undefined {
  const single = dims.every((d) => d === 1);
  if (!Array.isArray(value)) {
    return single ? checkElement(value, shape, path) : { path, what: `is ${shownValue(value)}, expected a list` };
  }
  const [size, ...rest] = dims;
  if (size === undefined) return { path, what: `is a list, expected a single ${shape.element}` };
  if (size !== -1 && value.length !== size) return { path, what: `has ${value.length} items, expected ${size}` };
  for (const [i, item] of value.entries()) {
    const found = checkValue(item, rest, shape, child(path, i));
    if (found !== undefined) return found;
  }
  return undefined;
}

function checkElement(value: unknown, shape: OutputShape, path: string): Difference | undefined {
  if (value === null && shape.nullable) return undefined;
  const fits =
    shape.element === 'integer' ? typeof value === 'number' && Number.isInteger(value) : typeof value === shape.element;
  return fits ? undefined : { path, what: `is ${shownValue(value)}, expected ${article(shape.element)}` };
}

const article = (element: Element) => (element === 'integer' ? 'an integer' : `a ${element}`);
