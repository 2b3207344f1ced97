import { TENSOR_DTYPES, type Tensor, type TensorDtype } from '../../models/tensor/tensor.js';

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
export interface Slot {
  readonly name: string;
  readonly key: string;
  readonly dtype: TensorDtype;
}

/**
 * The model, version, names and dtypes of a prediction's inputs and outputs, in their order, with the JSON text
 * they always give: shared by every alike prediction.
 */
export interface Layout {
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

/** Every dtype but `string`: numbers and booleans fit a Float64 chunk. */
const CAPTURED_DTYPES: ReadonlySet<TensorDtype> = new Set(TENSOR_DTYPES.filter((dtype) => dtype !== 'string'));

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
