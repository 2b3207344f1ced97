import { type Tensor, type TensorDtype, tensorToJson } from '../../models/tensor/tensor.js';
import type { CapturedPrediction, PredictionEvent, Slot } from './captured-prediction.js';

/** A JSON number as JSON.stringify writes it (null for NaN and ±Infinity). */
const numberJson = (value: number): string => (value - value === 0 ? `${value}` : 'null');

/** Whether every value in chunk[from, to) is finite (then the chunk's own join writes them as JSON does). */
function allFinite(chunk: Float64Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const value = chunk[i] as number;
    if (value - value !== 0) return false;
  }
  return true;
}

/** The values chunk[from, to) as the items of a JSON list (booleans for bool tensors, null for non-finite). */
function itemsJson(chunk: Float64Array, from: number, to: number, dtype: TensorDtype): string {
  if (dtype !== 'bool' && allFinite(chunk, from, to)) return chunk.subarray(from, to).join(',');
  const items: string[] = [];
  for (let i = from; i < to; i++) {
    items.push(dtype === 'bool' ? (chunk[i] === 1 ? 'true' : 'false') : numberJson(chunk[i] as number));
  }
  return items.join(',');
}

/**
 * The captured tensor at `at` as nested JSON lists (a scalar for rank 0), as `tensorToJson` writes it, pushed
 * onto `out`; returns where the next tensor starts. Each innermost list is written by one join.
 */
function tensorJson(chunk: Float64Array, at: number, dtype: TensorDtype, out: string[]): number {
  const rank = chunk[at] as number;
  const dims = at + 1;
  let next = dims + rank;
  if (rank === 0) {
    out.push(itemsJson(chunk, next, next + 1, dtype));
    return next + 1;
  }
  const inner = chunk[dims + rank - 1] as number;
  const build = (depth: number): void => {
    const size = chunk[dims + depth] as number;
    out.push('[');
    if (depth === rank - 1) {
      out.push(itemsJson(chunk, next, next + inner, dtype));
      next += inner;
    } else {
      for (let i = 0; i < size; i++) {
        if (i > 0) out.push(',');
        build(depth + 1);
      }
    }
    out.push(']');
  };
  build(0);
  return next;
}

function tensorsJson(slots: readonly Slot[], chunk: Float64Array, at: number, out: string[]): number {
  out.push('{');
  let next = at;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as Slot;
    out.push(i === 0 ? slot.key : `,${slot.key}`);
    next = tensorJson(chunk, next, slot.dtype, out);
  }
  out.push('}');
  return next;
}

let isoSecond = Number.NaN;
let isoPrefix = '';

/** `new Date(ms).toISOString()`, the date and time up to the second worked out once per second. */
function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const iso = new Date(second * 1000).toISOString();
    isoSecond = second;
    isoPrefix = iso.slice(0, -4);
  }
  const millis = ms - second * 1000;
  if (!Number.isInteger(millis)) return new Date(ms).toISOString();
  return `${isoPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/**
 * A captured prediction as its log line, written straight from the chunk: the same text as `JSON.stringify` of
 * its entry, `{"kind":"prediction","request_id":…,"time":…,"model":…,"version":…,"inputs":{…},"outputs":{…},
 * "latency_ms":…,"shadow":…}`.
 */
export function capturedJson(p: CapturedPrediction): string {
  const out = [
    `{"kind":"prediction","request_id":${JSON.stringify(p.requestId)},"time":"${isoTime(p.startedAt)}"${p.layout.head}`,
  ];
  const next = tensorsJson(p.layout.inputs, p.chunk, p.offset, out);
  out.push(',"outputs":');
  tensorsJson(p.layout.outputs, p.chunk, next, out);
  out.push(`,"latency_ms":${numberJson(Math.round(p.latencyMs * 1000) / 1000)},"shadow":${p.shadow}}`);
  // One join: a flat string, cheap for the sink to join again.
  return out.join('');
}

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** A tensor as nested JSON lists, as `tensorToJson` gives it, with a fast path for plain numeric vectors and matrices. */
function eventTensorJson(tensor: Tensor): unknown {
  const plain = tensor.data instanceof Float32Array || tensor.data instanceof Float64Array;
  const rank = tensor.shape.length;
  if (!plain || rank === 0 || rank > 2) return tensorToJson(tensor);
  const data = tensor.data as Float32Array | Float64Array;
  if (rank === 1) return Array.from(data, finite);
  const width = tensor.shape[1] ?? 0;
  return Array.from({ length: tensor.shape[0] ?? 0 }, (_, row) =>
    Array.from(data.subarray(row * width, (row + 1) * width), finite),
  );
}

const eventTensorsJson = (tensors: Readonly<Record<string, Tensor>>) => {
  // Prototype-less: the model names its inputs and outputs, and one named __proto__ must stay a plain key.
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, tensor] of Object.entries(tensors)) out[name] = eventTensorJson(tensor);
  return out;
};

/** An event kept whole (its tensors could not be captured) as its log entry's fields, in order. */
export const eventEntry = (item: PredictionEvent) => ({
  kind: 'prediction' as const,
  request_id: item.requestId,
  time: new Date(item.startedAt).toISOString(),
  model: item.model,
  version: item.version,
  inputs: eventTensorsJson(item.inputs),
  outputs: eventTensorsJson(item.outputs),
  latency_ms: Math.round(item.latencyMs * 1000) / 1000,
  shadow: item.shadow,
});
