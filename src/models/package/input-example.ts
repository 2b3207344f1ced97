import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isSafeRelativePath } from '../../data/tree/relative-path.js';
import { invalidParameter } from '../../domain/errors.js';
import type { InputExampleInfo, MlModel } from '../mlmodel/mlmodel.js';
import { pythonJsonDumps } from '../signature/model-signature.js';

/**
 * An input example saved with a model: a table (pandas `split` orient: column names and rows), or tensor input
 * (nested arrays, or an object of named nested arrays).
 */
export type InputExample =
  | { readonly columns: readonly string[]; readonly data: readonly (readonly unknown[])[] }
  | { readonly inputs: unknown };

export const INPUT_EXAMPLE_FILE = 'input_example.json';
export const SERVING_INPUT_FILE = 'serving_input_example.json';
export const MAX_EXAMPLE_BYTES = 16 * 1024 * 1024;

export interface ExampleFiles {
  readonly info: InputExampleInfo;
  /** File name → content. */
  readonly files: Readonly<Record<string, string>>;
}

/** The files and the `saved_input_example_info` MLflow's `_save_example` writes for this example. */
export function exampleFiles(example: InputExample): ExampleFiles {
  if ('columns' in example) {
    const split = { columns: example.columns, data: example.data };
    return {
      info: {
        artifact_path: INPUT_EXAMPLE_FILE,
        type: 'dataframe',
        pandas_orient: 'split',
        serving_input_path: SERVING_INPUT_FILE,
      },
      files: {
        [INPUT_EXAMPLE_FILE]: pythonJsonDumps(split),
        [SERVING_INPUT_FILE]: JSON.stringify({ dataframe_split: split }, null, 2),
      },
    };
  }
  return {
    info: { artifact_path: INPUT_EXAMPLE_FILE, type: 'ndarray', serving_input_path: SERVING_INPUT_FILE },
    files: {
      [INPUT_EXAMPLE_FILE]: pythonJsonDumps(example.inputs),
      [SERVING_INPUT_FILE]: JSON.stringify({ inputs: example.inputs }, null, 2),
    },
  };
}

/**
 * The model's input example as a scoring request body (`{"dataframe_split": …}` or `{"inputs": …}`), ready for
 * parseScoringRequest — for warming a model up before it takes traffic. Undefined when the model has none.
 */
export async function readServingExample(folder: string, model: MlModel): Promise<unknown> {
  const info = model.saved_input_example_info;
  if (info === null || info === undefined) return undefined;
  if (info.serving_input_path !== undefined) return readJson(folder, info.serving_input_path);
  const example = await readJson(folder, info.artifact_path);
  if (info.type !== 'dataframe') return { inputs: example };
  if (info.pandas_orient === 'records') return { dataframe_records: example };
  if (info.pandas_orient === 'values') return { dataframe_split: { data: example } };
  return { dataframe_split: example };
}

async function readJson(folder: string, path: string): Promise<unknown> {
  if (!isSafeRelativePath(path))
    throw invalidParameter(`The input example path '${path.slice(0, 200)}' leaves the model folder.`);
  const file = join(folder, path);
  const info = await stat(file);
  if (!info.isFile() || info.size > MAX_EXAMPLE_BYTES) {
    throw invalidParameter(`The input example ${path} is not a file of at most ${MAX_EXAMPLE_BYTES} bytes.`);
  }
  try {
    return JSON.parse(await readFile(file, 'utf8'), (key, value: unknown) => (key === '__proto__' ? undefined : value));
  } catch {
    throw invalidParameter(`The input example ${path} is not valid JSON.`);
  }
}
