/**
 * Tensors as Slipway passes them between the scoring protocols and a flavor: a dtype, a shape and a flat,
 * row-major typed array. The layout is onnxruntime's (bool as Uint8Array, int64 as BigInt64Array, string as
 * string[]), so the ONNX flavor hands them over without copying, but no onnxruntime type leaks through this API.
 */
export interface TensorDataByDtype {
  readonly float32: Float32Array;
  readonly float64: Float64Array;
  readonly int8: Int8Array;
  readonly uint8: Uint8Array;
  readonly int16: Int16Array;
  readonly uint16: Uint16Array;
  readonly int32: Int32Array;
  readonly uint32: Uint32Array;
  readonly int64: BigInt64Array;
  readonly uint64: BigUint64Array;
  readonly bool: Uint8Array;
  readonly string: string[];
}

export type TensorDtype = keyof TensorDataByDtype;

export const TENSOR_DTYPES: readonly TensorDtype[] = [
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
  'string',
];

export interface Tensor<D extends TensorDtype = TensorDtype> {
  readonly dtype: D;
  /** Row-major; the first dimension is the batch (rows) for every model input Slipway feeds. */
  readonly shape: readonly number[];
  readonly data: TensorDataByDtype[D];
}

/** A model input or output as the model declares it: `null` is a dimension of any size (-1, a symbolic name). */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: TensorDtype;
  /** `undefined` when the model does not declare the rank. */
  readonly shape: readonly (number | null)[] | undefined;
}

export type Feeds = Readonly<Record<string, Tensor>>;

export const isFloatDtype = (dtype: TensorDtype): dtype is 'float32' | 'float64' =>
  dtype === 'float32' || dtype === 'float64';

export const isBigIntDtype = (dtype: TensorDtype): dtype is 'int64' | 'uint64' =>
  dtype === 'int64' || dtype === 'uint64';

export const isNumericDtype = (dtype: TensorDtype): boolean => dtype !== 'string' && dtype !== 'bool';

/** The typed array holding each numeric dtype (bool as one byte per element, as onnxruntime and OIP do). */
export const TYPED_ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

/** A zero-filled (or empty-string-filled) data array of `length` elements. */
export function allocateTensorData<D extends TensorDtype>(dtype: D, length: number): TensorDataByDtype[D] {
  if (dtype === 'string') return new Array<string>(length).fill('') as TensorDataByDtype[D];
  const Constructor = TYPED_ARRAYS[dtype as Exclude<TensorDtype, 'string'>];
  return new Constructor(length) as TensorDataByDtype[D];
}

export const elementCount = (shape: readonly number[]): number => shape.reduce((product, size) => product * size, 1);

/** The number of rows (the first dimension) of a tensor; a scalar counts as one. */
export const rowCount = (tensor: Tensor): number => tensor.shape[0] ?? 1;

/** Element `index` as a JSON-safe value: int64 beyond 2^53 as a string, bool as a boolean. */
export function tensorElement(tensor: Tensor, index: number): number | string | boolean {
  const value = tensor.data[index];
  if (tensor.dtype === 'bool') return value === 1;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  return value as number | string;
}

/** The tensor as nested JSON arrays (a scalar for rank 0); NaN and ±Infinity become null, as JSON cannot hold them. */
export function tensorToJson(tensor: Tensor): unknown {
  let next = 0;
  const build = (depth: number): unknown => {
    if (depth === tensor.shape.length) return jsonSafe(tensorElement(tensor, next++));
    return Array.from({ length: tensor.shape[depth] ?? 0 }, () => build(depth + 1));
  };
  return build(0);
}

const jsonSafe = (value: number | string | boolean) =>
  typeof value === 'number' && !Number.isFinite(value) ? null : value;

/** Rows `[start, end)` of a tensor (along the first dimension), sharing no memory with it. */
export function sliceRows<D extends TensorDtype>(tensor: Tensor<D>, start: number, end: number): Tensor<D> {
  const width = elementCount(tensor.shape.slice(1));
  const data = tensor.data.slice(start * width, end * width) as TensorDataByDtype[D];
  return { dtype: tensor.dtype, shape: [end - start, ...tensor.shape.slice(1)], data };
}

/** Stacks tensors of one dtype and equal trailing dimensions along the first dimension (for batching). */
export function concatRows<D extends TensorDtype>(tensors: readonly Tensor<D>[]): Tensor<D> {
  const first = tensors[0];
  if (first === undefined) throw new RangeError('concatRows needs at least one tensor');
  const tail = first.shape.slice(1);
  const rows = tensors.reduce((sum, tensor) => sum + rowCount(tensor), 0);
  const data = allocateTensorData(first.dtype, rows * elementCount(tail));
  let offset = 0;
  for (const tensor of tensors) {
    if (tensor.dtype !== first.dtype || tensor.shape.slice(1).join() !== tail.join()) {
      throw new RangeError(
        `concatRows: ${tensor.dtype}${JSON.stringify(tensor.shape)} does not stack on ${first.dtype}`,
      );
    }
    copyInto(data, tensor.data, offset);
    offset += tensor.data.length;
  }
  return { dtype: first.dtype, shape: [rows, ...tail], data };
}

function copyInto(target: TensorDataByDtype[TensorDtype], source: TensorDataByDtype[TensorDtype], offset: number) {
  if (Array.isArray(target)) {
    for (let i = 0; i < source.length; i++) target[offset + i] = (source as string[])[i] as string;
    return;
  }
  (target as Float64Array).set(source as Float64Array, offset);
}
