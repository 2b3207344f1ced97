import type {
  OipDatatype,
  OipInferenceRequest,
  OipRequestInput,
  OipResponseOutput,
  OipTensorMetadata,
} from '../../contract/inference/open-inference.js';
import { checkValue } from '../../models/scoring/json-to-tensor.js';
import {
  DEFAULT_SCORING_LIMITS,
  quoted,
  type ScoringLimits,
  scoringError,
} from '../../models/scoring/scoring-error.js';
import type { ModelFeeds } from '../../models/scoring/to-model-feeds.js';
import {
  allocateTensorData,
  elementCount,
  type Tensor,
  type TensorDtype,
  type TensorInfo,
  tensorElement,
} from '../../models/tensor/tensor.js';
import { binaryTensor } from './oip-binary.js';

const DTYPE_OF: Readonly<Record<OipDatatype, TensorDtype>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const DATATYPE_OF = Object.fromEntries(Object.entries(DTYPE_OF).map(([k, v]) => [v, k])) as Record<
  TensorDtype,
  OipDatatype
>;

export const oipDatatype = (dtype: TensorDtype): OipDatatype => DATATYPE_OF[dtype];

export const tensorMetadata = (info: TensorInfo): OipTensorMetadata => ({
  name: info.name,
  datatype: oipDatatype(info.dtype),
  shape: (info.shape ?? []).map((d) => d ?? -1),
});

/** OIP request inputs → the model's input tensors: names, datatypes, shapes and every element checked. */
export function oipFeeds(
  request: OipInferenceRequest,
  inputs: readonly TensorInfo[],
  binary: ReadonlyMap<string, Uint8Array> = new Map(),
  limits: ScoringLimits = DEFAULT_SCORING_LIMITS,
): ModelFeeds {
  const byName = new Map(request.inputs.map((input) => [input.name, input]));
  if (byName.size !== request.inputs.length) throw scoringError('An input name appears twice.');
  const known = new Set(inputs.map((i) => i.name));
  const extra = request.inputs.filter((i) => !known.has(i.name)).map((i) => quoted(i.name));
  if (extra.length > 0) throw scoringError(`Unexpected inputs ${extra.join(', ')}; the model takes ${names(inputs)}.`);
  const feeds: Record<string, Tensor> = {};
  for (const info of inputs) {
    const input = byName.get(info.name);
    if (input === undefined)
      throw scoringError(`Missing input ${quoted(info.name)}; the model takes ${names(inputs)}.`);
    feeds[info.name] = toTensor(input, info, binary.get(info.name), limits);
  }
  const rows = new Set(Object.values(feeds).map((t) => t.shape[0] ?? 1));
  if (rows.size > 1) throw scoringError(`The inputs have different batch sizes (${[...rows].join(', ')}).`);
  return { feeds, rows: rows.values().next().value ?? 0 };
}

const names = (inputs: readonly TensorInfo[]) => inputs.map((i) => quoted(i.name)).join(', ');

function toTensor(
  input: OipRequestInput,
  info: TensorInfo,
  bytes: Uint8Array | undefined,
  limits: ScoringLimits,
): Tensor {
  const what = `Input ${quoted(info.name)}`;
  const expected = oipDatatype(info.dtype);
  if (input.datatype !== expected)
    throw scoringError(`${what} has datatype ${input.datatype}; the model takes ${expected}.`);
  checkShape(what, input.shape, info.shape);
  const count = elementCount(input.shape);
  if (count > limits.maxElements) throw scoringError(`${what} has more than ${limits.maxElements} values.`);
  if (input.data === undefined) {
    if (bytes === undefined) throw scoringError(`${what} is sent in binary, but the body has no binary part.`);
    return binaryTensor(bytes, info.dtype, input.shape, what);
  }
  const flat = flatten(input.data, limits.maxRank, count, what);
  if (flat.length !== count) {
    throw scoringError(`${what} has ${flat.length} values; its shape [${input.shape.join(', ')}] needs ${count}.`);
  }
  const data = allocateTensorData(info.dtype, count);
  const width = count / Math.max(1, input.shape[0] ?? 1) || 1;
  const site = { what, nullable: false };
  for (let i = 0; i < count; i++)
    (data as unknown[])[i] = checkValue(flat[i], info.dtype, site, [Math.floor(i / width)]);
  return { dtype: info.dtype, shape: input.shape, data };
}

function checkShape(what: string, shape: readonly number[], model: TensorInfo['shape']): void {
  if (model === undefined) return;
  const fits = model.length === shape.length && model.every((d, i) => d === null || d === shape[i]);
  if (fits) return;
  const want = `[${model.map((d) => d ?? -1).join(', ')}]`;
  throw scoringError(`${what} has shape [${shape.join(', ')}]; the model takes ${want} (-1: any size).`);
}

/** Nested arrays → one flat list, row-major; bounded in depth and in count (never more than `max` + 1 values). */
function flatten(data: readonly unknown[], maxDepth: number, max: number, what: string): unknown[] {
  const out: unknown[] = [];
  const walk = (node: readonly unknown[], depth: number): void => {
    if (depth > maxDepth) throw scoringError(`${what} is nested deeper than ${maxDepth} levels.`);
    for (const item of node) {
      if (out.length > max) return;
      if (Array.isArray(item)) walk(item, depth + 1);
      else out.push(item);
    }
  };
  walk(data, 1);
  return out;
}

/** Model outputs → OIP response outputs (all, or those the request names, in its order); data flat, row-major. */
export function oipOutputs(
  outputs: Readonly<Record<string, Tensor>>,
  requested: OipInferenceRequest['outputs'],
  binary: ReadonlySet<string> = new Set(),
): OipResponseOutput[] {
  const wanted = requested?.map((o) => o.name) ?? Object.keys(outputs);
  return wanted.map((name) => {
    const tensor = outputs[name];
    if (tensor === undefined) {
      throw scoringError(
        `Unknown output ${quoted(name)}; the model has ${Object.keys(outputs).map(quoted).join(', ')}.`,
      );
    }
    const meta = { name, datatype: oipDatatype(tensor.dtype), shape: [...tensor.shape] };
    return binary.has(name) ? meta : { ...meta, data: flatData(tensor) };
  });
}

function flatData(tensor: Tensor): unknown[] {
  const out = new Array<unknown>(tensor.data.length);
  for (let i = 0; i < out.length; i++) {
    const value = tensorElement(tensor, i);
    out[i] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
  }
  return out;
}
