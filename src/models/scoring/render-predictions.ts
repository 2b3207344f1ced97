import { elementCount, type Tensor, tensorElement, tensorToJson } from '../tensor/tensor.js';
import type { ScoringPayload } from './parse-scoring-request.js';

type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Row `row` of a tensor as JSON: a scalar when a row holds one value, nested arrays otherwise. */
export function rowValue(tensor: Tensor, row: number): JsonValue {
  const tail = tensor.shape.slice(1);
  const width = elementCount(tail);
  if (width === 1) return jsonSafe(tensorElement(tensor, row));
  const data = tensor.data.slice(row * width, (row + 1) * width) as Tensor['data'];
  return tensorToJson({ dtype: tensor.dtype, shape: tail, data }) as JsonValue;
}

const jsonSafe = (value: number | string | boolean): JsonValue =>
  typeof value === 'number' && !Number.isFinite(value) ? null : value;

/** One object per row, `{output: value}`: the shape MLflow returns for a DataFrame (`to_dict(orient="records")`). */
export function outputRecords(outputs: Readonly<Record<string, Tensor>>, rows: number): Record<string, JsonValue>[] {
  const entries = Object.entries(outputs);
  return Array.from({ length: rows }, (_, row) =>
    Object.fromEntries(entries.map(([name, tensor]) => [name, rowValue(tensor, row)])),
  );
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
