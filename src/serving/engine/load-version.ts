import { SlipwayError } from '../../domain/errors.js';
import type { FlavorLoadOptions } from '../../models/flavors/flavor.js';
import { type LoadedModel, loadModel } from '../../models/load-model.js';
import { allocateTensorData, elementCount, type Feeds, type Tensor } from '../../models/tensor/tensor.js';
import type { ResolvedModel } from '../source/model-source.js';
import type { BatchingOptions } from './micro-batcher.js';
import { ServedVersion } from './served-version.js';

export interface LoadVersionOptions {
  readonly batching: BatchingOptions;
  readonly flavor?: FlavorLoadOptions;
  /** Called with the rows of every inference call (the batch-size histogram). */
  readonly onBatch?: (model: string, version: string, rows: number) => void;
}

/** One row of zeros for every input (any-size dimensions taken as 1): enough to make the runtime allocate. */
export function warmUpFeeds(model: Pick<LoadedModel, 'inputs'>): Feeds {
  const feeds: Record<string, Tensor> = {};
  for (const input of model.inputs) {
    const shape = (input.shape ?? [1]).map((d) => d ?? 1);
    feeds[input.name] = { dtype: input.dtype, shape, data: allocateTensorData(input.dtype, elementCount(shape)) };
  }
  return feeds;
}

/**
 * Loads a resolved model folder, runs it once (so the first request does not pay for the runtime's lazy
 * allocations, and a model that cannot run fails here rather than under traffic), and wraps it for serving.
 */
export async function loadServedVersion(source: ResolvedModel, options: LoadVersionOptions): Promise<ServedVersion> {
  const model = await loadModel(source.folder, options.flavor === undefined ? {} : options.flavor);
  try {
    await model.predict(warmUpFeeds(model));
  } catch (error) {
    await model.close();
    throw new SlipwayError(
      'INVALID_PARAMETER_VALUE',
      `The model ${source.name} version ${source.version} failed its warm-up run.`,
      {
        hint: 'Check that the model runs on one row of zeros; the server log has the runtime error.',
        cause: error,
      },
    );
  }
  const onBatch = options.onBatch ?? (() => {});
  return new ServedVersion(source.name, source.version, model, options.batching, (rows) =>
    onBatch(source.name, source.version, rows),
  );
}
