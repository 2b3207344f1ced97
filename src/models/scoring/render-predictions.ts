import { elementCount, type Tensor, tensorElement, tensorToJson } from '../tensor/tensor.js';
import type { ScoringPayload } from './parse-scoring-request.js';

type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Row `row` of a tensor as JSON: a scalar when a row holds one value, nested arrays otherwise. */
export function rowValue(tensor: Tensor, row: number, width = elementCount(tensor.shape.slice(1))): JsonValue {
  if (width === 1) return jsonSafe(tensorElement(tensor, row));
  if (tensor.shape.length <= 2) {
    const values: JsonValue[] = new Array(width);
    for (let i = 0; i < width; i++) values[i] = jsonSafe(tensorElement(tensor, row * width + i));
    return values;
  }
  const data = tensor.data.slice(row * width, (row + 1) * width) as Tensor['data'];
  return tensorToJson({ dtype: tensor.dtype, shape: tensor.shape.slice(1), data }) as JsonValue;
}

const jsonSafe = (value: number | string | boolean): JsonValue =>
  typeof value === 'number' && !Number.isFinite(value) ? null : value;

/** One object per row, `{output: value}`: the shape MLflow returns for a DataFrame (`to_dict(orient="records")`). */
export function outputRecords(outputs: Readonly<Record<string, Tensor>>, rows: number): Record<string, JsonValue>[] {
  const columns = Object.entries(outputs).map(([name, tensor]) => ({
    name,
    tensor,
    width: elementCount(tensor.shape.slice(1)),
  }));
  // The model chooses output names: records keyed __proto__ need a prototype-less object to stay plain.
  const make = columns.some((c) => c.name === '__proto__') ? () => Object.create(null) : () => ({});
  const records: Record<string, JsonValue>[] = new Array(rows);
  for (let row = 0; row < rows; row++) {
    const record: Record<string, JsonValue> = make();
    for (const { name, tensor, width } of columns) {
      // An output named __proto__ (the model chooses names) must stay a plain property.
      Object.defineProperty(record, name, {
        value: rowValue(tensor, row, width),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    records[row] = record;
  }
  return records;
}

/**
 * The `predictions` value of an MLflow scoring response: records (one object per row) for a table request, as
 * MLflow answers a DataFrame; `{output: nested arrays}` for a tensor request, as MLflow answers a numpy feed.
 * (MLflow's onnx flavor flattens each output to one value per element for a DataFrame; Slipway keeps one record
 * per input row, a row's vector as a list.)
 */
export function mlflowPredictions(
  payload: ScoringPayload,
  outputs: Readonly<Record<string, Tensor>>,
  rows: number,
): unknown {
  if (payload.kind === 'frame') return outputRecords(outputs, rows);
  return Object.fromEntries(Object.entries(outputs).map(([name, tensor]) => [name, tensorToJson(tensor)]));
}
