import { invalidParameter, type SlipwayError } from '../../domain/errors.js';
import type { MlModel } from '../mlmodel/mlmodel.js';
import type { Flavor } from './flavor.js';

export type FlavorLoaders = Readonly<Record<string, () => Promise<Flavor>>>;

/**
 * The flavors Slipway can run, by MLmodel flavor name, loaded on first use (onnxruntime loads only for ONNX
 * models). Adding a flavor is one entry here and one folder beside this file. Order is preference: the first
 * flavor a model has that is listed here runs it.
 */
export const MODEL_FLAVORS = {
  onnx: () => import('./onnx/onnx-flavor.js').then((module) => module.onnxFlavor),
} as const satisfies FlavorLoaders;

/** Flavors that hold executable code (pickles, Python modules): named in the refusal so the user knows why. */
const EXECUTABLE = new Set([
  'python_function',
  'sklearn',
  'xgboost',
  'lightgbm',
  'catboost',
  'pytorch',
  'tensorflow',
  'keras',
  'transformers',
  'langchain',
  'spark',
  'statsmodels',
  'prophet',
]);

/** The name of the flavor that will run `model`, or an error naming the model's flavors and the supported ones. */
export function chooseFlavor(model: MlModel, where: string, loaders: FlavorLoaders = MODEL_FLAVORS): string {
  const names = Object.keys(model.flavors);
  const chosen = Object.keys(loaders).find((name) => names.includes(name));
  if (chosen !== undefined) return chosen;
  throw unsupportedFlavors(model, names, where, Object.keys(loaders));
}

function unsupportedFlavors(
  model: MlModel,
  names: readonly string[],
  where: string,
  supported: readonly string[],
): SlipwayError {
  const loader = model.flavors.python_function?.loader_module;
  const python = typeof loader === 'string' ? ` (python_function loads it with the Python module ${loader})` : '';
  const executable = names.some((name) => EXECUTABLE.has(name))
    ? ' Those flavors run Python code or unpickle objects, which Slipway never does.'
    : '';
  return invalidParameter(
    `The model at ${where} has the flavors ${names.join(', ')}${python}; Slipway can run only: ${supported.join(', ')}.${executable}`,
    {
      hint:
        'Convert the model to ONNX (skl2onnx, torch.onnx.export, tf2onnx) and log it with mlflow.onnx.log_model, ' +
        "or build it in TypeScript with 'slipway/onnx'.",
    },
  );
}

export async function loadFlavor(name: string, loaders: FlavorLoaders = MODEL_FLAVORS): Promise<Flavor> {
  const load = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  if (load === undefined)
    throw invalidParameter(`Unknown flavor '${name}'; known: ${Object.keys(loaders).join(', ')}.`);
  return load();
}
