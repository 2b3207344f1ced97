import type { MlModel } from '../mlmodel/mlmodel.js';
import type { OnnxLimits } from '../onnx-format/check-onnx-model.js';
import type { Feeds, Tensor, TensorInfo } from '../tensor/tensor.js';

/** Runtime settings a flavor may honour; the MLmodel's own flavor settings come on top where they are safe. */
export interface FlavorLoadOptions {
  /** Threads inside one operator; default the runtime's (all cores). */
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  readonly limits?: Partial<OnnxLimits>;
}

export interface FlavorLoadInput {
  /** The model folder (absolute). */
  readonly folder: string;
  readonly mlmodel: MlModel;
  /** This flavor's section of the MLmodel (`flavors.<name>`), unvalidated. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly options: FlavorLoadOptions;
}

/** A loaded model ready to run: fixed inputs and outputs, one call per batch. */
export interface Predictor {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Runs the model on one batch; every declared input must be fed. Safe to call concurrently. */
  predict(feeds: Feeds): Promise<Record<string, Tensor>>;
  /** Frees the runtime session; predict() fails afterwards. */
  close(): Promise<void>;
}

/**
 * A flavor plugin: how to run the models of one MLmodel flavor. Implementations never execute code or
 * deserialize pickles from the model.
 */
export interface Flavor {
  readonly name: string;
  load(input: FlavorLoadInput): Promise<Predictor>;
}
