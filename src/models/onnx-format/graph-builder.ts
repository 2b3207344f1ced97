import { slipwayVersion } from '../../config/slipway-version.js';
import type { TensorDtype, TensorInfo } from '../tensor/tensor.js';
import { type onnx, onnxProto } from './onnx-proto.js';

/** IR version 8 (ONNX 1.10, what onnx-proto encodes) and the default-domain opset the builders use. */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;

export type FloatDtype = 'float32' | 'float64';

const ELEMENT_TYPES: Readonly<Partial<Record<TensorDtype, number>>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float64: 11,
  uint32: 12,
  uint64: 13,
};

/** ONNX TensorProto.DataType → our dtype (undefined for float16, complex, bfloat16…). */
export const dtypeOfElementType = (elementType: number): TensorDtype | undefined =>
  (Object.entries(ELEMENT_TYPES) as [TensorDtype, number][]).find(([, code]) => code === elementType)?.[0];

const elementType = (dtype: TensorDtype): number => ELEMENT_TYPES[dtype] ?? 0;

type AttributeValue = number | readonly number[] | string;

export interface ModelMetadata {
  readonly docString?: string;
  /** Stored as ONNX metadata_props (string → string). */
  readonly properties?: Readonly<Record<string, string>>;
}

/**
 * Builds one ONNX graph node by node. Names are the builder's own (`prefix_1`…), so graphs are deterministic:
 * the same weights give the same bytes.
 */
export class GraphBuilder {
  readonly #nodes: onnx.INodeProto[] = [];
  readonly #initializers: onnx.ITensorProto[] = [];
  readonly #inputs: onnx.IValueInfoProto[] = [];
  readonly #outputs: onnx.IValueInfoProto[] = [];
  readonly #infos: { inputs: TensorInfo[]; outputs: TensorInfo[] } = { inputs: [], outputs: [] };
  #counter = 0;

  fresh(prefix: string): string {
    this.#counter += 1;
    return `${prefix}_${this.#counter}`;
  }

  input(name: string, dtype: TensorDtype, shape: readonly (number | null)[]): string {
    this.#inputs.push(valueInfo(name, dtype, shape));
    this.#infos.inputs.push({ name, dtype, shape });
    return name;
  }

  output(name: string, dtype: TensorDtype, shape: readonly (number | null)[]): string {
    this.#outputs.push(valueInfo(name, dtype, shape));
    this.#infos.outputs.push({ name, dtype, shape });
    return name;
  }

  /** A constant tensor (initializer) holding `values`, row-major. */
  constant(prefix: string, dtype: 'float32' | 'float64' | 'int64', dims: readonly number[], values: readonly number[]) {
    const name = this.fresh(prefix);
    const tensor: onnx.ITensorProto = { name, dims: [...dims], dataType: elementType(dtype) };
    if (dtype === 'float32') tensor.floatData = [...values];
    else if (dtype === 'float64') tensor.doubleData = [...values];
    else tensor.int64Data = [...values];
    this.#initializers.push(tensor);
    return name;
  }

  /** Adds a node; returns the name of its (first) output, `output` when given. */
  node(
    op: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    output?: string,
  ) {
    const out = output ?? this.fresh(op.toLowerCase());
    const attribute = Object.entries(attributes).map(([name, value]) => attributeOf(name, value));
    this.#nodes.push({ opType: op, input: [...inputs], output: [out], name: this.fresh(`${op}_node`), attribute });
    return out;
  }

  get inputs(): readonly TensorInfo[] {
    return this.#infos.inputs;
  }

  get outputs(): readonly TensorInfo[] {
    return this.#infos.outputs;
  }

  /** The serialized ModelProto. */
  build(graphName: string, metadata: ModelMetadata = {}): Uint8Array {
    const graph: onnx.IGraphProto = {
      name: graphName,
      node: this.#nodes,
      initializer: this.#initializers,
      input: this.#inputs,
      output: this.#outputs,
    };
    const model: onnx.IModelProto = {
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: 'slipway',
      producerVersion: slipwayVersion(),
      docString: metadata.docString ?? '',
      graph,
      metadataProps: Object.entries(metadata.properties ?? {}).map(([key, value]) => ({ key, value })),
    };
    return onnxProto.ModelProto.encode(onnxProto.ModelProto.create(model)).finish();
  }
}

function valueInfo(name: string, dtype: TensorDtype, shape: readonly (number | null)[]): onnx.IValueInfoProto {
  const dim = shape.map((size) => (size === null ? { dimParam: 'N' } : { dimValue: size }));
  return { name, type: { tensorType: { elemType: elementType(dtype), shape: { dim } } } };
}

function attributeOf(name: string, value: AttributeValue): onnx.IAttributeProto {
  const { AttributeType } = onnxProto.AttributeProto;
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? { name, type: AttributeType.INT, i: value }
      : { name, type: AttributeType.FLOAT, f: value };
  }
  return { name, type: AttributeType.INTS, ints: [...value] };
}
