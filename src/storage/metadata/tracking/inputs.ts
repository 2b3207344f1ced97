import type { DatasetRow } from '../schema.js';
import { type Db, idChunks, type KeyValue, pushTo, rowChunks } from './db.js';

export interface DatasetFields {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema: string | null;
  readonly profile: string | null;
}

export interface StoredDatasetInput {
  readonly dataset: DatasetFields;
  /** In name order. */
  readonly tags: KeyValue[];
}

/** Inserts the datasets not yet in the experiment (by name and digest); returns every one's uuid by `name\0digest`. */
export async function ensureDatasets(
  db: Db,
  experimentId: number,
  datasets: ReadonlyArray<DatasetFields & { readonly uuid: string }>,
): Promise<Map<string, string>> {
  for (const rows of rowChunks(datasets, 8)) {
    await db
      .insertInto('datasets')
      .values(rows.map((d) => ({ dataset_uuid: d.uuid, experiment_id: experimentId, ...datasetColumns(d) })))
      .onConflict((conflict) => conflict.columns(['experiment_id', 'name', 'digest']).doNothing())
      .execute();
  }
  const uuids = new Map<string, string>();
  for (const names of idChunks([...new Set(datasets.map((d) => d.name))])) {
    const rows = await db
      .selectFrom('datasets')
      .select(['dataset_uuid', 'name', 'digest'])
      .where('experiment_id', '=', experimentId)
      .where('name', 'in', names)
      .execute();
    for (const row of rows) uuids.set(datasetKey(row.name, row.digest), row.dataset_uuid);
  }
  return uuids;
}

export const datasetKey = (name: string, digest: string): string => `${name}\u0000${digest}`;

const datasetColumns = (d: DatasetFields) => ({
  name: d.name,
  digest: d.digest,
  source_type: d.sourceType,
  source: d.source,
  schema: d.schema,
  profile: d.profile,
});

export interface NewRunInput {
  readonly inputUuid: string;
  readonly datasetUuid: string;
  readonly tags: readonly KeyValue[];
}

/**
 * Links datasets to a run. A dataset already linked to the run keeps its input and tags (MLflow's rule); tags are
 * written only for new links. Returns how many links were new.
 */
export async function insertRunInputs(db: Db, runUuid: string, inputs: readonly NewRunInput[]): Promise<number> {
  const created = new Set<string>();
  for (const rows of rowChunks(inputs, 5)) {
    const inserted = await db
      .insertInto('inputs')
      .values(
        rows.map((input) => ({
          input_uuid: input.inputUuid,
          source_type: 'DATASET',
          source_id: input.datasetUuid,
          destination_type: 'RUN',
          destination_id: runUuid,
        })),
      )
      .onConflict((conflict) =>
        conflict.columns(['source_type', 'source_id', 'destination_type', 'destination_id']).doNothing(),
      )
      .returning('input_uuid')
      .execute();
    for (const row of inserted) created.add(row.input_uuid);
  }
  const tags = inputs
    .filter((input) => created.has(input.inputUuid))
    .flatMap((input) => input.tags.map((tag) => ({ input_uuid: input.inputUuid, name: tag.key, value: tag.value })));
  for (const rows of rowChunks(tags, 3)) {
    await db
      .insertInto('input_tags')
      .values(rows)
      .onConflict((conflict) =>
        conflict.columns(['input_uuid', 'name']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
      )
      .execute();
  }
  return created.size;
}

/** The dataset inputs of each run, by run id, datasets in (name, digest) order. */
export async function selectRunDatasetInputs(
  db: Db,
  runUuids: readonly string[],
): Promise<Map<string, StoredDatasetInput[]>> {
  const byRun = new Map<string, StoredDatasetInput[]>();
  for (const ids of idChunks(runUuids)) {
    const rows = await db
      .selectFrom('inputs')
      .innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.source_id')
      .select(['inputs.destination_id', 'inputs.input_uuid'])
      .select([
        'datasets.name',
        'datasets.digest',
        'datasets.source_type',
        'datasets.source',
        'datasets.schema',
        'datasets.profile',
      ])
      .where('inputs.source_type', '=', 'DATASET')
      .where('inputs.destination_type', '=', 'RUN')
      .where('inputs.destination_id', 'in', ids)
      .orderBy('inputs.destination_id')
      .orderBy('datasets.name')
      .orderBy('datasets.digest')
      .execute();
    const tags = await selectInputTags(
      db,
      rows.map((row) => row.input_uuid),
    );
    for (const row of rows) {
      pushTo(byRun, row.destination_id, { dataset: toDataset(row), tags: tags.get(row.input_uuid) ?? [] });
    }
  }
  return byRun;
}

const toDataset = (row: Pick<DatasetRow, 'name' | 'digest' | 'source_type' | 'source' | 'schema' | 'profile'>) => ({
  name: row.name,
  digest: row.digest,
  sourceType: row.source_type,
  source: row.source,
  schema: row.schema,
  profile: row.profile,
});

async function selectInputTags(db: Db, inputUuids: readonly string[]): Promise<Map<string, KeyValue[]>> {
  const byInput = new Map<string, KeyValue[]>();
  for (const ids of idChunks(inputUuids)) {
    const rows = await db
      .selectFrom('input_tags')
      .select(['input_uuid', 'name', 'value'])
      .where('input_uuid', 'in', ids)
      .orderBy('input_uuid')
      .orderBy('name')
      .execute();
    for (const row of rows) pushTo(byInput, row.input_uuid, { key: row.name, value: row.value });
  }
  return byInput;
}
