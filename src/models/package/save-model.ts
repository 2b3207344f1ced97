import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { alreadyExists, invalidParameter } from '../../domain/errors.js';
import { fsyncDirectory } from '../../lib/fsync-directory.js';
import { MLMODEL_FILE, type MlModel, serializeMlmodel } from '../mlmodel/mlmodel.js';
import type { OnnxModel } from '../onnx-format/build-estimators.js';
import { onnxProto } from '../onnx-format/onnx-proto.js';
import { checkSignatureFits } from '../scoring/check-signature-fits.js';
import type { ModelSignature } from '../signature/model-signature.js';
import { signatureToMlmodel } from '../signature/parse-signature.js';
import { exampleFiles, type InputExample } from './input-example.js';
import {
  CONDA_YAML,
  MLFLOW_ENVIRONMENT,
  ONNX_EXECUTION_PROVIDERS,
  PYTHON_ENV_YAML,
  pythonUtcNow,
  REQUIREMENTS_TXT,
} from './mlflow-environment.js';

export interface SaveModelOptions {
  /** The model: built by slipway/onnx (bytes and declared inputs), or ONNX bytes from elsewhere. */
  readonly onnx: OnnxModel | Uint8Array;
  readonly signature?: ModelSignature;
  readonly inputExample?: InputExample;
  /** Free-form metadata, written as the MLmodel's `metadata` mapping. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Recorded in the MLmodel when the model belongs to a run (MLflow writes both when logging). */
  readonly runId?: string;
  readonly artifactPath?: string;
}

export const ONNX_MODEL_FILE = 'model.onnx';

/**
 * Writes an MLflow model folder at `dir` exactly as `mlflow.onnx.save_model` lays it out: MLmodel (onnx and
 * python_function flavors), model.onnx, conda.yaml, python_env.yaml, requirements.txt, and the input example
 * files. Atomic: everything goes into a temp folder beside `dir`, is fsynced, then renamed into place; `dir` must
 * not exist (RESOURCE_ALREADY_EXISTS otherwise, as MLflow refuses an existing path).
 */
export async function saveModel(dir: string, options: SaveModelOptions): Promise<MlModel> {
  const target = resolve(dir);
  if (await stat(target).catch(() => undefined))
    throw alreadyExists(`${dir} already exists; a model folder is written once.`);
  const bytes = checkedBytes(options);
  const files = packageFiles(bytes, options);
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.slipway-tmp-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(temp);
    for (const [name, content] of Object.entries(files.contents))
      await writeFile(join(temp, name), content, { flush: true });
    await fsyncDirectory(temp);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw alreadyExists(`${dir} already exists; a model folder is written once.`);
    }
    throw error;
  }
  await fsyncDirectory(dirname(target));
  return files.mlmodel;
}

function checkedBytes(options: SaveModelOptions): Uint8Array {
  const bytes = options.onnx instanceof Uint8Array ? options.onnx : options.onnx.bytes;
  try {
    onnxProto.ModelProto.decode(bytes);
  } catch {
    throw invalidParameter('saveModel: the onnx bytes are not an ONNX ModelProto.');
  }
  if (options.signature !== undefined && !(options.onnx instanceof Uint8Array)) {
    checkSignatureFits(options.signature, options.onnx.inputs, 'saveModel');
  }
  return bytes;
}

function packageFiles(bytes: Uint8Array, options: SaveModelOptions) {
  const example = options.inputExample === undefined ? undefined : exampleFiles(options.inputExample);
  const exampleBytes = Object.values(example?.files ?? {}).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const mlmodel = mlmodelFor(options, bytes.byteLength + exampleBytes, example?.info);
  const contents: Record<string, string | Uint8Array> = {
    [ONNX_MODEL_FILE]: bytes,
    ...example?.files,
    [MLMODEL_FILE]: serializeMlmodel(mlmodel),
    'conda.yaml': CONDA_YAML,
    'python_env.yaml': PYTHON_ENV_YAML,
    'requirements.txt': REQUIREMENTS_TXT,
  };
  return { mlmodel, contents };
}

function mlmodelFor(
  options: SaveModelOptions,
  sizeBytes: number,
  exampleInfo: MlModel['saved_input_example_info'],
): MlModel {
  const env = MLFLOW_ENVIRONMENT;
  return {
    ...(options.artifactPath === undefined ? {} : { artifact_path: options.artifactPath }),
    ...(options.runId === undefined ? {} : { run_id: options.runId }),
    flavors: {
      onnx: {
        code: null,
        data: ONNX_MODEL_FILE,
        onnx_session_options: null,
        onnx_version: env.onnxVersion,
        providers: [...ONNX_EXECUTION_PROVIDERS],
      },
      python_function: {
        code: null,
        data: ONNX_MODEL_FILE,
        env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
        loader_module: 'mlflow.onnx',
        python_version: env.pythonVersion,
      },
    },
    mlflow_version: env.mlflowVersion,
    model_size_bytes: sizeBytes,
    model_uuid: randomBytes(16).toString('hex'),
    utc_time_created: pythonUtcNow(),
    ...(options.signature === undefined ? {} : { signature: signatureToMlmodel(options.signature) }),
    ...(exampleInfo === undefined ? {} : { saved_input_example_info: exampleInfo }),
    ...(options.metadata === undefined ? {} : { metadata: { ...options.metadata } }),
  };
}
