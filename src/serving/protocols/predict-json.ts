import { outputRecords, rowValue } from '../../models/scoring/render-predictions.js';
import { elementCount, type Tensor, tensorElement } from '../../models/tensor/tensor.js';

/** One prediction per row: a single output's value, or `{output: value}` when the model has several. */
export function rowPredictions(outputs: Readonly<Record<string, Tensor>>, rows: number): unknown[] {
  const tensors = Object.values(outputs);
  const [only] = tensors;
  if (tensors.length !== 1 || only === undefined) return outputRecords(outputs, rows);
  return Array.from({ length: rows }, (_, row) => rowValue(only, row));
}

/** JSON text of one element, as `JSON.stringify` writes what `tensorElement` gives (non-finite floats: null). */
function elementJson(tensor: Tensor, i: number): string {
  const data = tensor.data;
  switch (tensor.dtype) {
    case 'float32':
    case 'float64': {
      const value = data[i] as number;
      // value - value is NaN for NaN and ±Infinity, which JSON writes as null.
      return value - value === 0 ? `${value}` : 'null';
    }
    case 'bool':
      return data[i] === 1 ? 'true' : 'false';
    case 'int64':
    case 'uint64':
    case 'string':
      return JSON.stringify(tensorElement(tensor, i));
    default:
      // 8- to 32-bit integers: always finite, written as JSON writes them.
      return `${data[i] as number}`;
  }
}

/** Whether data[from, to) are all finite numbers (a float tensor's typed array then joins them as JSON does). */
function finiteRun(data: Float32Array | Float64Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const value = data[i] as number;
    if (value - value !== 0) return false;
  }
  return true;
}

interface Column {
  readonly tensor: Tensor;
  readonly width: number;
}

/** Row `row` of a column as JSON text: what `rowValue` gives, written by `JSON.stringify`. */
function rowJson({ tensor, width }: Column, row: number): string {
  if (width === 1) return elementJson(tensor, row);
  if (tensor.shape.length > 2) return JSON.stringify(rowValue(tensor, row, width));
  const from = row * width;
  const data = tensor.data;
  if ((data instanceof Float32Array || data instanceof Float64Array) && finiteRun(data, from, from + width)) {
    return `[${data.subarray(from, from + width).join(',')}]`;
  }
  let text = '[';
  for (let i = 0; i < width; i++) text += i === 0 ? elementJson(tensor, from + i) : `,${elementJson(tensor, from + i)}`;
  return `${text}]`;
}

/** Elements in one row of a tensor (the product of its trailing dimensions). */
function rowWidth(shape: readonly number[]): number {
  let width = 1;
  for (let d = 1; d < shape.length; d++) width *= shape[d] as number;
  return width;
}

/** Whether every output holds the elements its shape says, for `rows` rows (what a runtime gives). */
const wellFormed = (columns: readonly Column[], rows: number) =>
  columns.every(({ tensor, width }) => {
    const length = tensor.data.length;
    return length === elementCount(tensor.shape) && rows * width <= length;
  });

/** Output names as JSON object keys (`"name":`), worked out once per name. */
const keys = new Map<string, string>();
const keyJson = (name: string): string => {
  let key = keys.get(name);
  if (key === undefined) {
    key = `${JSON.stringify(name)}:`;
    if (keys.size < 1024) keys.set(name, key);
  }
  return key;
};

/**
 * The body of a `POST /predict` answer, `{"predictions": [...]}`, written straight from the output tensors:
 * byte for byte `JSON.stringify({ predictions: rowPredictions(outputs, rows) })`, without building the
 * intermediate objects (tensors that do not hold what their shape says take that slower path).
 */
export function predictionsJson(outputs: Readonly<Record<string, Tensor>>, rows: number): string {
  const names = Object.keys(outputs);
  const columns = names.map((name): Column => {
    const tensor = outputs[name] as Tensor;
    return { tensor, width: rowWidth(tensor.shape) };
  });
  if (!wellFormed(columns, rows)) return JSON.stringify({ predictions: rowPredictions(outputs, rows) });
  const [only] = columns;
  let text = '{"predictions":[';
  for (let row = 0; row < rows; row++) {
    if (row > 0) text += ',';
    text += columns.length === 1 && only !== undefined ? rowJson(only, row) : recordJson(names, columns, row);
  }
  return `${text}]}`;
}

/** One row of several outputs as a JSON object, `{"output": value, …}`, keys in the outputs' order. */
function recordJson(names: readonly string[], columns: readonly Column[], row: number): string {
  let record = '{';
  for (let c = 0; c < columns.length; c++) {
    record += `${c === 0 ? '' : ','}${keyJson(names[c] as string)}${rowJson(columns[c] as Column, row)}`;
  }
  return `${record}}`;
}
