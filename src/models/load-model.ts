import { resolve } from 'node:path';
import type { FlavorLoadOptions, Predictor } from './flavors/flavor.js';
import { chooseFlavor, type FlavorLoaders, loadFlavor, MODEL_FLAVORS } from './flavors/model-flavors.js';
import { MLMODEL_FILE, type MlModel, readMlmodel } from './mlmodel/mlmodel.js';
import { checkSignatureFits } from './scoring/check-signature-fits.js';
import type { ModelSignature } from './signature/model-signature.js';
import { parseSignature } from './signature/parse-signature.js';

export interface LoadModelOptions extends FlavorLoadOptions {
  /** The flavor table; default MODEL_FLAVORS. */
  readonly flavors?: FlavorLoaders;
}

/**
 * A model folder loaded and ready to predict: its MLmodel, its signature (if any), the flavor that runs it and
 * the inputs and outputs that flavor declares. `predict` takes tensors; `toModelFeeds` (scoring/) turns MLflow
 * scoring payloads into them.
 */
export interface LoadedModel extends Predictor {
  readonly folder: string;
  readonly mlmodel: MlModel;
  /** The flavor running the model (`onnx`). */
  readonly flavor: string;
  readonly signature: ModelSignature | undefined;
}

/**
 * Loads the model in `folder` (an MLflow model folder: MLmodel at its root). Fails with INVALID_PARAMETER_VALUE
 * when the MLmodel is invalid, no flavor of the model can be run (naming the supported ones), the model file is
 * refused (external data outside the folder, too big) or the signature does not fit the model's inputs; with
 * RESOURCE_DOES_NOT_EXIST when there is no MLmodel. Nothing from the folder is ever executed.
 */
export async function loadModel(folder: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const root = resolve(folder);
  const mlmodel = await readMlmodel(root, folder);
  const where = `${folder}/${MLMODEL_FILE}`;
  const signature = parseSignature(mlmodel, where);
  const loaders = options.flavors ?? MODEL_FLAVORS;
  const flavorName = chooseFlavor(mlmodel, folder, loaders);
  const flavor = await loadFlavor(flavorName, loaders);
  const predictor = await flavor.load({ folder: root, mlmodel, config: mlmodel.flavors[flavorName] ?? {}, options });
  try {
    if (signature !== undefined) checkSignatureFits(signature, predictor.inputs, where);
  } catch (error) {
    await predictor.close();
    throw error;
  }
  return {
    folder: root,
    mlmodel,
    flavor: flavorName,
    signature,
    inputs: predictor.inputs,
    outputs: predictor.outputs,
    predict: (feeds) => predictor.predict(feeds),
    close: () => predictor.close(),
  };
}
