import type { ModelFeeds, ModelInputs } from '../../models/scoring/to-model-feeds.js';
import type { Tensor, TensorInfo } from '../../models/tensor/tensor.js';

/**
 * The rows of a `POST /predict` body when it is exactly `{"inputs": [[…], …]}` (one key, a non-empty list of
 * lists): the shape the contract's schema accepts most often, recognised without running the schema. Anything
 * else (records, other keys, an empty list) is undefined: the schema then accepts it or says what is wrong.
 */
export function listRows(body: unknown): readonly (readonly unknown[])[] | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  let keys = 0;
  for (const key in body) {
    if (key !== 'inputs') return undefined;
    keys += 1;
  }
  const inputs = (body as { inputs?: unknown }).inputs;
  if (keys !== 1 || !Array.isArray(inputs) || inputs.length === 0) return undefined;
  for (const row of inputs) if (!Array.isArray(row)) return undefined;
  return inputs as (readonly unknown[])[];
}

/** A model whose rows convert without per-column checks: one float input matrix, every signature column float. */
interface NumericPlan {
  readonly input: TensorInfo & { readonly dtype: 'float32' | 'float64' };
  readonly width: number;
}

const plans = new WeakMap<ModelInputs, NumericPlan | null>();

function planOf(model: ModelInputs): NumericPlan | null {
  const columns = model.signature?.inputs.kind === 'columns' ? model.signature.inputs.columns : undefined;
  const [input] = model.inputs;
  if (columns === undefined || model.inputs.length !== 1 || input === undefined) return null;
  if (input.dtype !== 'float32' && input.dtype !== 'float64') return null;
  if (!columns.every((column) => column.type === 'double' || column.type === 'float')) return null;
  const rank = input.shape?.length ?? 2;
  const fixed = input.shape?.[1];
  if (rank !== 2 || (fixed !== null && fixed !== undefined && fixed !== columns.length)) return null;
  return { input: input as NumericPlan['input'], width: columns.length };
}

/**
 * Positional rows of finite numbers as the model's input matrix, for a model whose signature columns are all
 * float or double feeding one float input: exactly the tensor `toModelFeeds` builds for them, without its
 * per-value checks and closures. Undefined for any other model or row (a wrong width, a null, a string, NaN…):
 * `toModelFeeds` then converts the request or names the problem, as it always did.
 */
export function numericRowFeeds(rows: readonly (readonly unknown[])[], model: ModelInputs): ModelFeeds | undefined {
  let plan = plans.get(model);
  if (plan === undefined) {
    plan = planOf(model);
    plans.set(model, plan);
  }
  if (plan === null) return undefined;
  const { input, width } = plan;
  const data =
    input.dtype === 'float32' ? new Float32Array(rows.length * width) : new Float64Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as readonly unknown[];
    if (row.length !== width) return undefined;
    for (let c = 0; c < width; c++) {
      const value = row[c];
      // A finite number: value - value is 0 (NaN for NaN and ±Infinity, and for anything that is not a number).
      if (typeof value !== 'number' || value - value !== 0) return undefined;
      data[r * width + c] = value;
    }
  }
  const tensor: Tensor = { dtype: input.dtype, shape: [rows.length, width], data };
  return { feeds: { [input.name]: tensor }, rows: rows.length };
}
