import { createRequire } from 'node:module';
import type { onnx as OnnxNamespace } from 'onnx-proto';

export type { onnx } from 'onnx-proto';

/**
 * The protobufjs static classes of ONNX (onnx-proto, the v1.10 schema: IR version 8). The package is CommonJS
 * without named exports Node can detect, hence the require.
 */
export const onnxProto: typeof OnnxNamespace = (
  createRequire(import.meta.url)('onnx-proto') as { onnx: typeof OnnxNamespace }
).onnx;
