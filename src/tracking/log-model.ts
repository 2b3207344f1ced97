import { invalidParameter } from '../domain/errors.js';
import { selectRunTag, upsertRunTags } from '../storage/metadata/tracking/tags.js';
import { TRACKING_LIMITS } from './limits.js';
import { requireActiveRun } from './load-entities.js';
import type { TrackingDeps } from './types.js';
import { checkLength } from './validate.js';

/** The run tag MLflow appends every logged model to, as a JSON list. */
export const LOGGED_MODELS_TAG = 'mlflow.log-model.history';

const REQUIRED = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'] as const;
const KEPT = ['run_id', 'utc_time_created', 'artifact_path', 'model_uuid'] as const;

/**
 * MLflow's LogModel: checks the MLmodel JSON and appends its summary (run_id, utc_time_created, artifact_path,
 * model_uuid and flavors without their `config`) to the `mlflow.log-model.history` tag of an active run.
 */
export async function logModel(
  deps: TrackingDeps,
  input: { readonly runId: string; readonly modelJson: string },
): Promise<void> {
  const summary = summarize(parseModel(input.modelJson));
  await deps.metadata.db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, input.runId);
    const history = parseHistory(await selectRunTag(trx, input.runId, LOGGED_MODELS_TAG));
    const value = JSON.stringify([...history, summary]);
    checkLength(LOGGED_MODELS_TAG, value, TRACKING_LIMITS.maxTagValueLength);
    await upsertRunTags(trx, input.runId, [{ key: LOGGED_MODELS_TAG, value }]);
  });
}

type ModelJson = Record<string, unknown>;

function parseModel(text: string): ModelJson {
  checkLength('model_json', text, TRACKING_LIMITS.maxModelJsonLength);
  let model: unknown;
  try {
    model = JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value));
  } catch {
    throw invalidParameter('Malformed model info: model_json is not valid JSON.', {
      hint: 'Send the MLmodel as JSON.',
    });
  }
  if (typeof model !== 'object' || model === null || Array.isArray(model)) {
    throw invalidParameter('Malformed model info: model_json must be a JSON object.');
  }
  const missing = REQUIRED.filter((field) => !Object.hasOwn(model, field));
  if (missing.length > 0) {
    throw invalidParameter(`Model json is missing mandatory fields: ${missing.join(', ')}.`, {
      hint: `An MLmodel JSON has ${REQUIRED.join(', ')}.`,
    });
  }
  return model as ModelJson;
}

function summarize(model: ModelJson): ModelJson {
  const summary: ModelJson = {};
  for (const field of KEPT) if (Object.hasOwn(model, field)) summary[field] = model[field];
  summary.flavors = withoutConfig(model.flavors);
  return summary;
}

function withoutConfig(flavors: unknown): unknown {
  if (typeof flavors !== 'object' || flavors === null || Array.isArray(flavors)) return flavors;
  const result: ModelJson = {};
  for (const [name, flavor] of Object.entries(flavors)) {
    result[name] = isObject(flavor)
      ? Object.fromEntries(Object.entries(flavor).filter(([k]) => k !== 'config'))
      : flavor;
  }
  return result;
}

const isObject = (value: unknown): value is ModelJson =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The stored list; a damaged or foreign value is started over rather than failing every later log-model. */
function parseHistory(value: string | undefined): unknown[] {
  if (value === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
