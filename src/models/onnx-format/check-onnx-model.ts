import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { invalidParameter, type SlipwayError } from '../../domain/errors.js';
import { type onnx, onnxProto } from './onnx-proto.js';

export interface OnnxLimits {
  /** Bytes of the .onnx file plus every external-data range it names. */
  readonly maxModelBytes: number;
  /** Nesting of subgraphs (If, Loop, Scan bodies) walked. */
  readonly maxGraphDepth: number;
}

export const DEFAULT_ONNX_LIMITS: OnnxLimits = { maxModelBytes: 2 * 1024 ** 3, maxGraphDepth: 32 };

const EXTERNAL_KEYS = new Set(['location', 'offset', 'length', 'checksum']);

const refused = (what: string, why: string): SlipwayError =>
  invalidParameter(`The ONNX model ${what} is refused: ${why}.`, {
    hint:
      'External data must be files inside the model folder, named by relative paths without "..", and within ' +
      'the size limit; re-save the model with onnx.save_model(..., save_as_external_data=True) into its own folder.',
  });

/**
 * Checks an ONNX file before any runtime opens it (the CVE-2022-25882 family): it lies inside `folder` once
 * symlinks are resolved, is within the size limit, parses as a ModelProto, and every tensor stored as external
 * data names a regular, single-linked file inside `folder` by a relative path without `..`, with its
 * offset/length range inside that file. Nothing outside the folder is opened.
 */
export async function checkOnnxModel(folder: string, modelFile: string, limits: OnnxLimits = DEFAULT_ONNX_LIMITS) {
  const root = await realpath(folder);
  const label = relative(folder, modelFile) || modelFile;
  const file = await insideFile(root, modelFile, label, label, false);
  if (file.size > limits.maxModelBytes) throw refused(label, `it is larger than ${limits.maxModelBytes} bytes`);
  const model = decode(await readFile(file.path), label);
  let total = file.size;
  for (const tensor of tensorsOf(model, limits.maxGraphDepth, label)) {
    if (!isExternal(tensor)) continue;
    total += await checkExternal(root, dirname(file.path), tensor, label);
    if (total > limits.maxModelBytes) throw refused(label, `its data is larger than ${limits.maxModelBytes} bytes`);
  }
  return model;
}

function decode(bytes: Uint8Array, label: string): onnx.ModelProto {
  try {
    return onnxProto.ModelProto.decode(bytes);
  } catch {
    throw refused(label, 'it is not a valid ONNX ModelProto');
  }
}

/**
 * A path resolved (symlinks included) that must stay inside `root` and be a regular file; external data must also
 * have a single link, as a hard link inside the folder may be a file from anywhere (CVE-2026-34446).
 */
async function insideFile(root: string, path: string, label: string, what: string, singleLink = true) {
  const real = await realpath(path).catch(() => undefined);
  if (real === undefined) throw refused(label, `${what} does not exist`);
  const rel = relative(root, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw refused(label, `${what} resolves outside the model folder`);
  }
  const info = await lstat(real);
  if (!info.isFile()) throw refused(label, `${what} is not a regular file`);
  if (singleLink && info.nlink > 1)
    throw refused(label, `${what} is a hard link (it may be a file outside the model folder)`);
  return { path: real, size: (await stat(real)).size };
}

async function checkExternal(root: string, base: string, tensor: onnx.ITensorProto, label: string): Promise<number> {
  const entries = new Map<string, string>();
  for (const { key, value } of tensor.externalData ?? []) {
    const name = key ?? '';
    if (!EXTERNAL_KEYS.has(name))
      throw refused(label, `tensor '${tensor.name}' has an unknown external_data key '${name.slice(0, 40)}'`);
    if (entries.has(name)) throw refused(label, `tensor '${tensor.name}' repeats external_data key '${name}'`);
    entries.set(name, value ?? '');
  }
  const location = entries.get('location');
  if (location === undefined || location === '')
    throw refused(label, `tensor '${tensor.name}' has no external data location`);
  checkLocation(location, label);
  const file = await insideFile(root, join(base, location), label, `external data '${location.slice(0, 200)}'`);
  const offset = byteCount(entries.get('offset') ?? '0', label, 'offset');
  const length = byteCount(entries.get('length') ?? String(file.size - offset), label, 'length');
  if (offset + length > file.size)
    throw refused(label, `external data range ${offset}+${length} ends past '${location}'`);
  return length;
}

function checkLocation(location: string, label: string): void {
  const shown = JSON.stringify(location.slice(0, 200));
  if (isAbsolute(location) || /^[A-Za-z]:/.test(location) || location.startsWith('\\')) {
    throw refused(label, `external data location ${shown} is absolute`);
  }
  if (location.split(/[\\/]/).some((segment) => segment === '..')) {
    throw refused(label, `external data location ${shown} contains '..'`);
  }
  if (location.includes('\0')) throw refused(label, `external data location ${shown} contains NUL`);
}

function byteCount(text: string, label: string, field: string): number {
  const value = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value))
    throw refused(label, `external data ${field} '${text.slice(0, 40)}' is not a byte count`);
  return value;
}

const isExternal = (tensor: onnx.ITensorProto): boolean =>
  tensor.dataLocation === onnxProto.TensorProto.DataLocation.EXTERNAL || (tensor.externalData?.length ?? 0) > 0;

/** Every tensor of the model: initializers, sparse initializers, constants in node attributes, subgraphs, functions. */
export function* tensorsOf(model: onnx.IModelProto, maxDepth: number, label: string): Generator<onnx.ITensorProto> {
  if (model.graph) yield* graphTensors(model.graph, 0, maxDepth, label);
  for (const info of model.trainingInfo ?? []) {
    if (info.initialization) yield* graphTensors(info.initialization, 0, maxDepth, label);
    if (info.algorithm) yield* graphTensors(info.algorithm, 0, maxDepth, label);
  }
  for (const fn of model.functions ?? []) yield* nodeTensors(fn.node ?? [], 0, maxDepth, label);
}

function* graphTensors(
  graph: onnx.IGraphProto,
  depth: number,
  maxDepth: number,
  label: string,
): Generator<onnx.ITensorProto> {
  if (depth > maxDepth) throw refused(label, `subgraphs are nested deeper than ${maxDepth}`);
  yield* graph.initializer ?? [];
  for (const sparse of graph.sparseInitializer ?? []) yield* sparseTensors(sparse);
  yield* nodeTensors(graph.node ?? [], depth, maxDepth, label);
}

function* nodeTensors(
  nodes: readonly onnx.INodeProto[],
  depth: number,
  maxDepth: number,
  label: string,
): Generator<onnx.ITensorProto> {
  for (const node of nodes) {
    for (const attribute of node.attribute ?? []) {
      yield* attributeTensors(attribute);
      const graphs = [...(attribute.g ? [attribute.g] : []), ...(attribute.graphs ?? [])];
      for (const graph of graphs) yield* graphTensors(graph, depth + 1, maxDepth, label);
    }
  }
}

function* attributeTensors(attribute: onnx.IAttributeProto): Generator<onnx.ITensorProto> {
  if (attribute.t) yield attribute.t;
  yield* attribute.tensors ?? [];
  if (attribute.sparseTensor) yield* sparseTensors(attribute.sparseTensor);
  for (const sparse of attribute.sparseTensors ?? []) yield* sparseTensors(sparse);
}

function* sparseTensors(sparse: onnx.ISparseTensorProto): Generator<onnx.ITensorProto> {
  if (sparse.values) yield sparse.values;
  if (sparse.indices) yield sparse.indices;
}
