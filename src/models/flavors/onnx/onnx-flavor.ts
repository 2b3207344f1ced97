import { join } from 'node:path';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { z } from 'zod';
import { isSafeRelativePath, SAFE_PATH_RULE } from '../../../data/tree/relative-path.js';
import { invalidParameter } from '../../../domain/errors.js';
import { formatPath, mlmodelError } from '../../mlmodel/mlmodel.js';
import { checkOnnxModel, DEFAULT_ONNX_LIMITS } from '../../onnx-format/check-onnx-model.js';
import { type Feeds, TENSOR_DTYPES, type Tensor, type TensorDtype, type TensorInfo } from '../../tensor/tensor.js';
import type { Flavor, FlavorLoadInput, FlavorLoadOptions, Predictor } from '../flavor.js';

/**
 * `flavors.onnx` as `mlflow.onnx.save_model` writes it. `code` (Python code paths) and `providers` are read but
 * never acted on: Slipway runs no model code and always uses the CPU provider.
 */
export const onnxFlavorSchema = z.looseObject({
  data: z.string().refine(isSafeRelativePath, { message: SAFE_PATH_RULE }),
  onnx_version: z.union([z.string(), z.number()]).nullish(),
  providers: z.array(z.string()).nullish(),
  code: z.string().nullish(),
  onnx_session_options: z
    .looseObject({
      intra_op_num_threads: z.number().int().min(0).max(1024).nullish(),
      inter_op_num_threads: z.number().int().min(0).max(1024).nullish(),
      execution_mode: z.string().nullish(),
      graph_optimization_level: z.number().int().nullish(),
      extra_session_config: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
});

export type OnnxFlavorConfig = z.infer<typeof onnxFlavorSchema>;

/** onnxruntime's Python GraphOptimizationLevel numbers → the Node API's names. */
const OPTIMIZATION = { 0: 'disabled', 1: 'basic', 2: 'extended', 99: 'all' } as const;

type SessionOptions = InferenceSession.SessionOptions;

export function parseOnnxFlavor(config: Readonly<Record<string, unknown>>, where: string): OnnxFlavorConfig {
  const parsed = onnxFlavorSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  throw mlmodelError(
    where,
    parsed.error.issues.map((issue) => `${formatPath(['flavors', 'onnx', ...issue.path])}: ${issue.message}`),
  );
}

export function sessionOptionsOf(config: OnnxFlavorConfig, options: FlavorLoadOptions): SessionOptions {
  const fromModel = config.onnx_session_options ?? {};
  const level = fromModel.graph_optimization_level;
  const mode = fromModel.execution_mode?.toLowerCase();
  const intra = options.intraOpNumThreads ?? fromModel.intra_op_num_threads;
  const inter = options.interOpNumThreads ?? fromModel.inter_op_num_threads;
  return {
    executionProviders: ['cpu'],
    ...(intra === null || intra === undefined ? {} : { intraOpNumThreads: intra }),
    ...(inter === null || inter === undefined ? {} : { interOpNumThreads: inter }),
    ...(mode === 'sequential' || mode === 'parallel' ? { executionMode: mode } : {}),
    ...(level !== null && level !== undefined && level in OPTIMIZATION
      ? { graphOptimizationLevel: OPTIMIZATION[level as keyof typeof OPTIMIZATION] }
      : {}),
  };
}

/** The `onnx` flavor, run by onnxruntime-node on the CPU after the file and its external data are checked. */
export const onnxFlavor: Flavor = {
  name: 'onnx',
  async load(input: FlavorLoadInput): Promise<Predictor> {
    const where = `${input.folder}/MLmodel`;
    const config = parseOnnxFlavor(input.config, where);
    const modelFile = join(input.folder, config.data);
    await checkOnnxModel(input.folder, modelFile, { ...DEFAULT_ONNX_LIMITS, ...input.options.limits });
    const ort = await import('onnxruntime-node');
    const session = await createSession(ort.InferenceSession, modelFile, sessionOptionsOf(config, input.options));
    return new OnnxPredictor(ort.Tensor, session);
  },
};

async function createSession(factory: typeof InferenceSession, file: string, options: SessionOptions) {
  try {
    return await factory.create(file, options);
  } catch (error) {
    throw invalidParameter(`onnxruntime cannot load ${file}: ${firstLine(error)}.`, {
      hint: 'Check the model with onnx.checker.check_model; Slipway runs the default ONNX domain on the CPU.',
      cause: error,
    });
  }
}

const firstLine = (error: unknown): string =>
  String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';

class OnnxPredictor implements Predictor {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly #Tensor: typeof OrtTensor;
  readonly #session: InferenceSession;

  constructor(TensorClass: typeof OrtTensor, session: InferenceSession) {
    this.#Tensor = TensorClass;
    this.#session = session;
    this.inputs = session.inputMetadata.map(infoOf);
    this.outputs = session.outputMetadata.map(infoOf);
  }

  async predict(feeds: Feeds): Promise<Record<string, Tensor>> {
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const input of this.inputs) {
      const tensor = feeds[input.name];
      if (tensor === undefined) throw invalidParameter(`The model input '${input.name}' was not fed.`);
      ortFeeds[input.name] = new this.#Tensor(tensor.dtype, tensor.data, [...tensor.shape]);
    }
    const results = await this.#session.run(ortFeeds);
    const outputs: Record<string, Tensor> = {};
    for (const [name, value] of Object.entries(results)) {
      outputs[name] = { dtype: value.type as TensorDtype, shape: value.dims, data: value.data as Tensor['data'] };
    }
    return outputs;
  }

  close(): Promise<void> {
    return this.#session.release();
  }
}

function infoOf(meta: InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor)
    throw invalidParameter(`The model value '${meta.name}' is not a tensor (sequences and maps are not supported).`);
  const dtype = meta.type as TensorDtype;
  if (!TENSOR_DTYPES.includes(dtype)) {
    throw invalidParameter(
      `The model value '${meta.name}' has element type ${meta.type}, which Slipway does not feed.`,
    );
  }
  const shape =
    meta.shape.length === 0 ? undefined : meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null));
  return { name: meta.name, dtype, shape };
}
