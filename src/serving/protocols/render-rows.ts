import type { ScoringPayload } from '../../models/scoring/parse-scoring-request.js';
import { mlflowPredictions, rowValue } from '../../models/scoring/render-predictions.js';
import { elementCount, type Tensor, tensorElement } from '../../models/tensor/tensor.js';

type RowReader = (row: number) => unknown;

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

/**
 * Reads one row of an output as JSON, as `rowValue` (models/scoring) does — a scalar when a row holds one value,
 * a list for a vector — but without building intermediate tensors, so a 1,000-row answer renders in
 * microseconds. Deeper rows fall back to `rowValue`.
 */
function rowReader(tensor: Tensor): RowReader {
  const width = elementCount(tensor.shape.slice(1));
  const plain = typeof tensor.data[0] === 'number' && tensor.dtype !== 'bool';
  if (width === 1) {
    return plain ? (row) => finite(tensor.data[row] as number) : (row) => jsonElement(tensor, row);
  }
  if (tensor.shape.length !== 2) return (row) => rowValue(tensor, row);
  return (row) => {
    const out = new Array<unknown>(width);
    const start = row * width;
    for (let i = 0; i < width; i++) {
      out[i] = plain ? finite(tensor.data[start + i] as number) : jsonElement(tensor, start + i);
    }
    return out;
  };
}

function jsonElement(tensor: Tensor, index: number): unknown {
  const value = tensorElement(tensor, index);
  return typeof value === 'number' ? finite(value) : value;
}

/** One object per row, `{output: value}`: MLflow's answer for a DataFrame (`to_dict(orient="records")`). */
export function recordRows(outputs: Readonly<Record<string, Tensor>>, rows: number): Record<string, unknown>[] {
  const readers = Object.entries(outputs).map(([name, tensor]) => [name, rowReader(tensor)] as const);
  const records = new Array<Record<string, unknown>>(rows);
  for (let row = 0; row < rows; row++) {
    const record: Record<string, unknown> = {};
    for (const [name, read] of readers) record[name] = read(row);
    records[row] = record;
  }
  return records;
}

/** One prediction per row: a single output's value, or `{output: value}` when the model has several. */
export function rowPredictions(outputs: Readonly<Record<string, Tensor>>, rows: number): unknown[] {
  const tensors = Object.values(outputs);
  const [only] = tensors;
  if (tensors.length !== 1 || only === undefined) return recordRows(outputs, rows);
  const read = rowReader(only);
  return Array.from({ length: rows }, (_, row) => read(row));
}

/** The `predictions` of an MLflow scoring answer: records for a table request, tensors for a tensor request. */
export function scoringPredictions(payload: ScoringPayload, outputs: Readonly<Record<string, Tensor>>, rows: number) {
  return payload.kind === 'frame' ? recordRows(outputs, rows) : mlflowPredictions(payload, outputs, rows);
}
