import type { RunRow } from '../storage/metadata/schema.js';
import type { Db } from '../storage/metadata/tracking/db.js';
import { type StoredDatasetInput, selectRunDatasetInputs } from '../storage/metadata/tracking/inputs.js';
import { selectLatestMetrics } from '../storage/metadata/tracking/metrics.js';
import { selectRunParams, selectRunTags } from '../storage/metadata/tracking/tags.js';
import { toRunInfo } from './load-entities.js';
import type { DatasetInput, Run } from './types.js';

/**
 * Full runs (info, latest metrics, params, tags, dataset inputs) for these rows, in the rows' order: one query per
 * table for all of them, whatever their number. For runs/get and for search results.
 */
export async function loadRuns(db: Db, rows: readonly RunRow[]): Promise<Run[]> {
  const ids = rows.map((row) => row.run_uuid);
  const [metrics, params, tags, inputs] = await Promise.all([
    selectLatestMetrics(db, ids),
    selectRunParams(db, ids),
    selectRunTags(db, ids),
    selectRunDatasetInputs(db, ids),
  ]);
  return rows.map((row) => ({
    info: toRunInfo(row),
    data: {
      metrics: metrics.get(row.run_uuid) ?? [],
      params: params.get(row.run_uuid) ?? [],
      tags: tags.get(row.run_uuid) ?? [],
    },
    inputs: { datasetInputs: (inputs.get(row.run_uuid) ?? []).map(toDatasetInput) },
  }));
}

const toDatasetInput = ({ dataset, tags }: StoredDatasetInput): DatasetInput => ({
  tags,
  dataset: {
    name: dataset.name,
    digest: dataset.digest,
    sourceType: dataset.sourceType,
    source: dataset.source,
    ...(dataset.schema === null ? {} : { schema: dataset.schema }),
    ...(dataset.profile === null ? {} : { profile: dataset.profile }),
  },
});
