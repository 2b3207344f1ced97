import { datasetKey, ensureDatasets, insertRunInputs } from '../storage/metadata/tracking/inputs.js';
import { newUuidHex } from './ids.js';
import { TRACKING_LIMITS } from './limits.js';
import { requireActiveRun } from './load-entities.js';
import type { Dataset, DatasetInput, TrackingDeps } from './types.js';
import { checkLength, checkTagCount, checkTags, fieldPath, invalidValue } from './validate.js';

const L = TRACKING_LIMITS;
const INPUT_TAG_LIMITS = { key: L.maxInputTagKeyLength, value: L.maxInputTagValueLength } as const;

/**
 * Records the datasets a run used, with input tags such as `mlflow.data.context`. Datasets are shared per
 * experiment by (name, digest): the first logged fields are kept. A dataset already linked to the run keeps its
 * original input tags, as in MLflow.
 */
export async function logInputs(
  deps: TrackingDeps,
  input: { readonly runId: string; readonly datasets: readonly DatasetInput[] },
): Promise<void> {
  checkTagCount('datasets', input.datasets.length, L.maxDatasetsPerRequest);
  const inputs = uniqueInputs(input.datasets.map((entry, index) => checkDatasetInput(entry, `datasets[${index}]`)));
  if (inputs.length === 0) {
    await requireActiveRun(deps.metadata.db, input.runId);
    return;
  }
  await deps.metadata.db.transaction().execute(async (trx) => {
    const run = await requireActiveRun(trx, input.runId);
    const fields = inputs.map(({ dataset }) => ({ uuid: newUuidHex(), ...storedFields(dataset) }));
    const uuids = await ensureDatasets(trx, run.experiment_id, fields);
    const links = inputs.map(({ dataset, tags }) => ({
      inputUuid: newUuidHex(),
      datasetUuid: uuids.get(datasetKey(dataset.name, dataset.digest)) ?? '',
      tags,
    }));
    await insertRunInputs(trx, input.runId, links);
  });
}

export function checkDatasetInput(entry: DatasetInput, at: string): DatasetInput {
  const { dataset } = entry;
  const path = (field: string) => fieldPath(`${at}.dataset`, field);
  if (dataset.name === '') throw invalidValue(path('name'), '', 'a dataset name must not be empty.');
  if (dataset.digest === '') throw invalidValue(path('digest'), '', 'a dataset digest must not be empty.');
  checkLength(path('name'), dataset.name, L.maxDatasetNameLength);
  checkLength(path('digest'), dataset.digest, L.maxDatasetDigestLength);
  checkLength(path('source_type'), dataset.sourceType, L.maxDatasetSourceTypeLength);
  checkLength(path('source'), dataset.source, L.maxDatasetSourceLength);
  if (dataset.schema !== undefined) checkLength(path('schema'), dataset.schema, L.maxDatasetSchemaLength);
  if (dataset.profile !== undefined) checkLength(path('profile'), dataset.profile, L.maxDatasetProfileLength);
  return { dataset, tags: checkTags(fieldPath(at, 'tags'), entry.tags, INPUT_TAG_LIMITS) };
}

/** The first entry for each (name, digest): one input per dataset and run. */
export function uniqueInputs(inputs: readonly DatasetInput[]): DatasetInput[] {
  const byKey = new Map<string, DatasetInput>();
  for (const entry of inputs) {
    const key = datasetKey(entry.dataset.name, entry.dataset.digest);
    if (!byKey.has(key)) byKey.set(key, entry);
  }
  return [...byKey.values()];
}

const storedFields = (dataset: Dataset) => ({
  name: dataset.name,
  digest: dataset.digest,
  sourceType: dataset.sourceType,
  source: dataset.source,
  schema: dataset.schema ?? null,
  profile: dataset.profile ?? null,
});
