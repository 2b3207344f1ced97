import { outputRecords, rowValue } from '../../models/scoring/render-predictions.js';
import { elementCount, type Tensor, tensorElement } from '../../models/tensor/tensor.js';

/** One prediction per row: a single output's value, or `{output: value}` when the model has several. */
export function rowPredictions(outputs: Readonly<Record<string, Tensor>>, rows: number): unknown[] {
  const tensors = Object.values(outputs);
  const [only] = tensors;
  if (tensors.length !== 1 || only === undefined) return outputRecords(outputs, rows);
  return Array.from({ length: rows }, (_, row) => rowValue(only, row));
}

/** Element `index` of a tensor as JSON text. */
type ElementJson = (index: number) => string;

/** JSON text of one element, as `JSON.stringify` writes what `tensorElement` gives (non-finite floats: null). */
function elementJson(tensor: Tensor): ElementJson {
  const data = tensor.data;
  switch (tensor.dtype) {
    case 'float32':
    case 'float64': {
      const floats = data as Float32Array | Float64Array;
      return (i) => {
        const value = floats[i] as number;
        // value - value is NaN for NaN and ±Infinity, which JSON writes as null.
        return value - value === 0 ? `${value}` : 'null';
      };
    }
    case 'bool':
      return (i) => (data[i] === 1 ? 'true' : 'false');
    case 'int64':
    case 'uint64':
    case 'string':
      return (i) => JSON.stringify(tensorElement(tensor, i));
    default:
      // 8- to 32-bit integers: always finite, written as JSON writes them.
      return (i) => `${data[i] as number}`;
  }
}

interface Column {
  readonly tensor: Tensor;
  readonly width: number;
  readonly element: ElementJson;
}

/** Row `row` of a column as JSON text: what `rowValue` gives, written by `JSON.stringify`. */
function rowJson({ tensor, width, element }: Column, row: number): string {
  if (width === 1) return element(row);
  if (tensor.shape.length > 2) return JSON.stringify(rowValue(tensor, row, width));
  let text = '[';
  for (let i = 0; i < width; i++) text += i === 0 ? element(row * width + i) : `,${element(row * width + i)}`;
  return `${text}]`;
}

/** Whether every output holds the elements its shape says, for `rows` rows (what a runtime gives). */
const wellFormed = (columns: readonly Column[], rows: number) =>
  columns.every(({ tensor, width }) => {
    const length = tensor.data.length;
    return length === elementCount(tensor.shape) && rows * width <= length;
  });

/**
 * The body of a `POST /predict` answer, `{"predictions": [...]}`, written straight from the output tensors:
 * byte for byte `JSON.stringify({ predictions: rowPredictions(outputs, rows) })`, without building the
 * intermediate objects (tensors that do not hold what their shape says take that slower path).
 */
export function predictionsJson(outputs: Readonly<Record<string, Tensor>>, rows: number): string {
  const names = Object.keys(outputs);
  const columns = names.map((name): Column => {
    const tensor = outputs[name] as Tensor;
    return { tensor, width: elementCount(tensor.shape.slice(1)), element: elementJson(tensor) };
  });
  if (!wellFormed(columns, rows)) return JSON.stringify({ predictions: rowPredictions(outputs, rows) });
  const [only] = columns;
  const row: (index: number) => string =
    columns.length === 1 && only !== undefined ? (index) => rowJson(only, index) : recordJson(names, columns);
  let text = '{"predictions":[';
  for (let index = 0; index < rows; index++) text += index === 0 ? row(index) : `,${row(index)}`;
  return `${text}]}`;
}

/** One row of several outputs as a JSON object, `{"output": value, …}`, keys in the outputs' order. */
function recordJson(names: readonly string[], columns: readonly Column[]): (row: number) => string {
  const keys = names.map((name) => `${JSON.stringify(name)}:`);
  return (row) => {
    let record = '{';
    for (let c = 0; c < columns.length; c++) {
      record += `${c === 0 ? '' : ','}${keys[c]}${rowJson(columns[c] as Column, row)}`;
    }
    return `${record}}`;
  };
}
