import { endianness } from 'node:os';
import {
  BINARY_DATA_SIZE,
  type OipInferenceRequest,
  type OipResponseOutput,
} from '../../contract/inference/open-inference.js';
import { SlipwayError } from '../../domain/errors.js';
import { quoted, scoringError } from '../../models/scoring/scoring-error.js';
import { type Tensor, type TensorDataByDtype, type TensorDtype, TYPED_ARRAYS } from '../../models/tensor/tensor.js';

/** The binary tensor extension's header: the length of the JSON that starts the body. */
export const INFERENCE_HEADER_LENGTH = 'inference-header-content-length';
export const BINARY_EXTENSION = 'binary_tensor_data';

const LITTLE_ENDIAN = endianness() === 'LE';

export interface BinaryRequest {
  readonly json: unknown;
  /** The bytes of each input sent in binary, by input name. */
  readonly bytes: (request: OipInferenceRequest) => ReadonlyMap<string, Uint8Array>;
}

/** Splits a binary-extension body: the JSON header (its length in the Inference-Header-Content-Length header). */
export function splitBinaryBody(body: Buffer, headerLength: string | undefined): BinaryRequest {
  const length = Number(headerLength);
  if (headerLength === undefined || !/^\d{1,12}$/.test(headerLength) || length > body.length) {
    throw scoringError(
      `A binary inference request needs ${INFERENCE_HEADER_LENGTH}: the byte length of its JSON part.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body.subarray(0, length).toString('utf8'), (key, value: unknown) =>
      key === '__proto__' || key === 'constructor' ? undefined : value,
    );
  } catch {
    throw scoringError('The JSON part of the binary inference request is not valid JSON.');
  }
  return { json, bytes: (request) => binaryParts(request, body.subarray(length)) };
}

function binaryParts(request: OipInferenceRequest, rest: Buffer): ReadonlyMap<string, Uint8Array> {
  const parts = new Map<string, Uint8Array>();
  let offset = 0;
  for (const input of request.inputs) {
    const size = input.parameters?.[BINARY_DATA_SIZE];
    if (size === undefined) continue;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || offset + size > rest.length) {
      throw scoringError(`Input ${quoted(input.name)}: ${BINARY_DATA_SIZE} does not fit the bytes that were sent.`);
    }
    parts.set(input.name, rest.subarray(offset, offset + size));
    offset += size;
  }
  if (offset !== rest.length)
    throw scoringError(`${rest.length - offset} bytes follow the binary inputs; none should.`);
  return parts;
}

/** Raw little-endian bytes → a tensor of `dtype` and `shape`, every element checked as the JSON path checks it. */
export function binaryTensor(bytes: Uint8Array, dtype: TensorDtype, shape: readonly number[], what: string): Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'string') return { dtype, shape, data: decodeStrings(bytes, count, what) };
  if (!LITTLE_ENDIAN) throw new SlipwayError('NOT_IMPLEMENTED', 'Binary tensors need a little-endian host.');
  const expected = count * TYPED_ARRAYS[dtype].BYTES_PER_ELEMENT;
  if (bytes.length !== expected)
    throw scoringError(`${what} has ${bytes.length} bytes; its shape and datatype need ${expected}.`);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const data = new TYPED_ARRAYS[dtype](copy.buffer) as TensorDataByDtype[typeof dtype];
  checkElements(data, dtype, what, count / Math.max(1, shape[0] ?? 1) || 1);
  return { dtype, shape, data } as Tensor;
}

function checkElements(data: ArrayLike<number | bigint>, dtype: TensorDtype, what: string, width: number): void {
  const bad =
    dtype === 'float32' || dtype === 'float64'
      ? Array.prototype.findIndex.call(data, (v: number) => !Number.isFinite(v))
      : dtype === 'bool'
        ? Array.prototype.findIndex.call(data, (v: number) => v > 1)
        : -1;
  if (bad === -1) return;
  throw scoringError(
    `${what} row ${Math.floor(bad / width)}: ${dtype === 'bool' ? 'a BOOL byte is not 0 or 1' : 'a value is not finite'}.`,
  );
}

function decodeStrings(bytes: Uint8Array, count: number, what: string): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  let offset = 0;
  while (offset < bytes.length && out.length < count) {
    const length = offset + 4 <= bytes.length ? view.getUint32(offset, true) : Number.POSITIVE_INFINITY;
    if (offset + 4 + length > bytes.length) throw scoringError(`${what}: a BYTES element runs past the data.`);
    out.push(Buffer.from(bytes.buffer, bytes.byteOffset + offset + 4, length).toString('utf8'));
    offset += 4 + length;
  }
  if (out.length !== count || offset !== bytes.length)
    throw scoringError(`${what}: the BYTES data does not hold ${count} elements.`);
  return out;
}

/** Which outputs the request asks for in binary: `binary_data_output` for all, `binary_data` per output. */
export function binaryOutputNames(request: OipInferenceRequest, names: readonly string[]): Set<string> {
  const all = request.parameters?.binary_data_output === true;
  const perOutput = new Map((request.outputs ?? []).map((o) => [o.name, o.parameters?.binary_data]));
  return new Set(names.filter((name) => (perOutput.get(name) ?? all) === true));
}

function tensorBytes(tensor: Tensor): Buffer {
  if (tensor.dtype !== 'string') {
    const data = tensor.data as Exclude<TensorDataByDtype[TensorDtype], string[]>;
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  return Buffer.concat(
    (tensor.data as string[]).flatMap((text) => {
      const bytes = Buffer.from(text, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

/** A binary-extension answer: the JSON (outputs in `binary` without data) followed by their bytes, in order. */
export function binaryAnswer(
  answer: { readonly outputs: OipResponseOutput[] } & Record<string, unknown>,
  tensors: Readonly<Record<string, Tensor>>,
  binary: ReadonlySet<string>,
): { readonly body: Buffer; readonly headerLength: number } {
  const chunks: Buffer[] = [];
  const outputs = answer.outputs.map((output) => {
    const tensor = tensors[output.name];
    if (!binary.has(output.name) || tensor === undefined) return output;
    const bytes = tensorBytes(tensor);
    chunks.push(bytes);
    const { data: _data, ...rest } = output;
    return { ...rest, parameters: { ...output.parameters, [BINARY_DATA_SIZE]: bytes.length } };
  });
  const header = Buffer.from(JSON.stringify({ ...answer, outputs }), 'utf8');
  return { body: Buffer.concat([header, ...chunks]), headerLength: header.length };
}
