import { type Tensor, type TensorDtype, tensorToJson } from '../../models/tensor/tensor.js';

/** A prediction as the request path hands it over: tensors, turned into JSON only when flushed. */
export interface PredictionEvent {
  readonly requestId: string;
  readonly startedAt: number;
  readonly model: string;
  readonly version: string;
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly outputs: Readonly<Record<string, Tensor>>;
  readonly latencyMs: number;
  readonly shadow: boolean;
}

/** One tensor's place in a layout: its name (and that name as a JSON key) and dtype. */
interface Slot {
  readonly name: string;
  readonly key: string;
  readonly dtype: TensorDtype;
}

/**
 * The model, version, names and dtypes of a prediction's inputs and outputs, in their order, with the JSON text
 * they always give: shared by every alike prediction.
 */
interface Layout {
  readonly model: string;
  readonly version: string;
  /** `,"model":…,"version":…,"inputs":` */
  readonly head: string;
  readonly inputs: readonly Slot[];
  readonly outputs: readonly Slot[];
}

/**
 * A prediction waiting for its flush, holding none of the request's tensors: each tensor is copied into a shared
 * chunk of float64s as its rank, its dimensions and its values (float32 and the integer types convert exactly;
 * int64 only within ±2^53, or the prediction is kept as an event).
 */
export interface CapturedPrediction {
  readonly requestId: string;
  readonly startedAt: number;
  readonly latencyMs: number;
  readonly shadow: boolean;
  readonly layout: Layout;
  readonly chunk: Float64Array;
  readonly offset: number;
}

/** Float64s per chunk (256 KiB): about 1,500 single-row wine predictions. */
const CHUNK_VALUES = 32 * 1024;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const CAPTURED_DTYPES: ReadonlySet<TensorDtype> = new Set<TensorDtype>([
  'float32',
  'float64',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'bool',
]);

/** Float64s a tensor takes in a chunk (rank, dimensions, values), or -1 when it cannot be captured. */
function capturedSize(tensor: Tensor): number {
  if (!CAPTURED_DTYPES.has(tensor.dtype)) return -1;
  let count = 1;
  for (const d of tensor.shape) count *= d;
  return count === tensor.data.length ? 1 + tensor.shape.length + count : -1;
}

const sameSlots = (slots: readonly Slot[], names: readonly string[], tensors: Readonly<Record<string, Tensor>>) => {
  if (names.length !== slots.length) return false;
  for (let i = 0; i < names.length; i++) {
    const slot = slots[i] as Slot;
    if (slot.name !== names[i] || slot.dtype !== (tensors[slot.name] as Tensor).dtype) return false;
  }
  return true;
};

/** Float64s the tensors take in a chunk, or -1 when one cannot be captured. */
function capturedSizes(names: readonly string[], tensors: Readonly<Record<string, Tensor>>): number {
  let size = 0;
  for (const name of names) {
    const n = capturedSize(tensors[name] as Tensor);
    if (n < 0) return -1;
    size += n;
  }
  return size;
}

/** Copies the tensors to `chunk` from `at`: where they end, or -1 when an int64 is beyond ±2^53. */
function copyTensors(
  names: readonly string[],
  tensors: Readonly<Record<string, Tensor>>,
  chunk: Float64Array,
  at: number,
): number {
  let next = at;
  for (const name of names) {
    const tensor = tensors[name] as Tensor;
    if (!copyTensor(tensor, chunk, next)) return -1;
    next += 1 + tensor.shape.length + tensor.data.length;
  }
  return next;
}

const slotsOf = (names: readonly string[], tensors: Readonly<Record<string, Tensor>>): Slot[] =>
  names.map((name) => ({ name, key: `${JSON.stringify(name)}:`, dtype: (tensors[name] as Tensor).dtype }));

/** Layouts kept at hand: a canary's or shadow's versions alternate, each with its own. */
const MAX_LAYOUTS = 8;

/** Copies a tensor's rank, dimensions and values to `chunk` at `at`; false when an int64 is beyond ±2^53. */
function copyTensor(tensor: Tensor, chunk: Float64Array, at: number): boolean {
  const { shape, data } = tensor;
  chunk[at] = shape.length;
  for (let d = 0; d < shape.length; d++) chunk[at + 1 + d] = shape[d] as number;
  const start = at + 1 + shape.length;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) {
      const value = Number(data[i]);
      if (value > MAX_SAFE || value < -MAX_SAFE) return false;
      chunk[start + i] = value;
    }
    return true;
  }
  chunk.set(data as Float64Array, start);
  return true;
}

/** Captures predictions into chunks, so the buffered log keeps numbers, not the request's tensors. */
export class PredictionCapture {
  #chunk = new Float64Array(CHUNK_VALUES);
  #used = 0;
  #layouts: Layout[] = [];

  /** The event captured, or undefined when a tensor holds strings, int64s beyond ±2^53 or not what its shape says. */
  capture(event: PredictionEvent): CapturedPrediction | undefined {
    const inputNames = Object.keys(event.inputs);
    const outputNames = Object.keys(event.outputs);
    const inputs = capturedSizes(inputNames, event.inputs);
    const outputs = capturedSizes(outputNames, event.outputs);
    if (inputs < 0 || outputs < 0) return undefined;
    const size = inputs + outputs;
    if (this.#used + size > this.#chunk.length) {
      this.#chunk = new Float64Array(Math.max(CHUNK_VALUES, size));
      this.#used = 0;
    }
    const chunk = this.#chunk;
    const offset = this.#used;
    const middle = copyTensors(inputNames, event.inputs, chunk, offset);
    const end = middle < 0 ? -1 : copyTensors(outputNames, event.outputs, chunk, middle);
    if (end < 0) return undefined;
    this.#used = end;
    const { requestId, startedAt, latencyMs, shadow } = event;
    const layout = this.#layoutOf(event, inputNames, outputNames);
    return { requestId, startedAt, latencyMs, shadow, layout, chunk, offset };
  }

  #layoutOf(event: PredictionEvent, inputNames: readonly string[], outputNames: readonly string[]): Layout {
    for (const layout of this.#layouts) {
      if (
        layout.model === event.model &&
        layout.version === event.version &&
        sameSlots(layout.inputs, inputNames, event.inputs) &&
        sameSlots(layout.outputs, outputNames, event.outputs)
      ) {
        return layout;
      }
    }
    const layout: Layout = {
      model: event.model,
      version: event.version,
      head: `,"model":${JSON.stringify(event.model)},"version":${JSON.stringify(event.version)},"inputs":`,
      inputs: slotsOf(inputNames, event.inputs),
      outputs: slotsOf(outputNames, event.outputs),
    };
    this.#layouts = [layout, ...this.#layouts.slice(0, MAX_LAYOUTS - 1)];
    return layout;
  }
}

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
