import { invalidParameter, notFound } from '../domain/errors.js';
import { parseModelName } from '../domain/model-name.js';
import { selectAliases } from '../storage/metadata/registry/aliases.js';
import { selectLiveVersions, selectModelVersion } from '../storage/metadata/registry/model-versions.js';
import {
  lockRegisteredModel,
  selectRegisteredModel,
  touchRegisteredModel,
} from '../storage/metadata/registry/registered-models.js';
import { selectModelTags, selectVersionTags } from '../storage/metadata/registry/registry-tags.js';
import type { ModelVersionRow, RegisteredModelRow } from '../storage/metadata/schema.js';
import type { Db } from '../storage/metadata/tracking/db.js';
import { type ModelVersion, type RegisteredModel, type RegistryDeps, STAGES } from './types.js';

export const clock = (deps: Pick<RegistryDeps, 'now'>): number => (deps.now ?? Date.now)();

export const modelNotFound = (name: string) =>
  notFound(`Registered Model with name=${name.slice(0, 300)} not found`, {
    hint: 'List models with `slipway models list` (registered-models/search), or create it first.',
  });

export const versionNotFound = (name: string, version: number | string) =>
  notFound(`Model Version (name=${name.slice(0, 300)}, version=${version}) not found`, {
    hint: 'List its versions with `slipway models show <name>` (model-versions/search).',
  });

/** The model a name names (by its normalized key), or RESOURCE_DOES_NOT_EXIST. */
export async function requireModel(db: Db, name: string): Promise<RegisteredModelRow> {
  const row = await selectRegisteredModel(db, parseModelName(name).key);
  if (row === undefined) throw modelNotFound(name);
  return row;
}

/**
 * Like requireModel, and locks the model's row until the transaction ends (see lockRegisteredModel). The time of
 * the change is read after the lock is held, so the events of one model are in the order their writes committed;
 * it is returned as the row's `last_updated_time`.
 */
export async function lockModel(trx: Db, name: string, deps: Pick<RegistryDeps, 'now'>): Promise<RegisteredModelRow> {
  const key = parseModelName(name).key;
  if ((await lockRegisteredModel(trx, key)) === undefined) throw modelNotFound(name);
  const time = clock(deps);
  await touchRegisteredModel(trx, key, time);
  return { ...(await requireModel(trx, name)), last_updated_time: time };
}

const VERSION = /^\d{1,15}$/;

/** A version number as MLflow sends it (a decimal string or an integer). */
export function parseVersion(version: string | number, field = 'version'): number {
  const text = String(version);
  if (text === '') throw invalidParameter(`Missing value for required parameter '${field}'.`);
  if (!VERSION.test(text)) {
    throw invalidParameter(`Parameter '${field}' must be an integer, got '${text.slice(0, 80)}'.`, {
      hint: 'Model versions are numbers: 1, 2, 3…',
    });
  }
  return Number(text);
}

/** A live version of a model, or RESOURCE_DOES_NOT_EXIST (deleted versions do not exist any more). */
export async function requireVersion(
  db: Db,
  model: RegisteredModelRow,
  version: string | number,
): Promise<ModelVersionRow> {
  const number = parseVersion(version);
  const row = await selectModelVersion(db, model.model_id, number);
  if (row === undefined) throw versionNotFound(model.name, number);
  return row;
}

/** Turns version rows into API versions, with their tags and aliases. */
export async function loadVersions(db: Db, rows: readonly ModelVersionRow[], names: ReadonlyMap<number, string>) {
  const ids = [...new Set(rows.map((row) => row.model_id))];
  const [tags, aliases] = await Promise.all([selectVersionTags(db, ids), selectAliases(db, ids)]);
  return rows.map((row): ModelVersion => {
    const version = Number(row.version);
    const pointing = (aliases.get(row.model_id) ?? []).filter((a) => a.version === version).map((a) => a.alias);
    return toVersion(row, names.get(row.model_id) ?? '', tags.get(`${row.model_id}/${version}`) ?? [], pointing);
  });
}

const toVersion = (
  row: ModelVersionRow,
  name: string,
  tags: ModelVersion['tags'],
  aliases: string[],
): ModelVersion => ({
  name,
  version: String(row.version),
  creationTimestamp: Number(row.creation_time),
  lastUpdatedTimestamp: Number(row.last_updated_time),
  userId: row.user_id,
  currentStage: row.current_stage,
  description: row.description ?? '',
  source: row.source,
  runId: row.run_id ?? '',
  runLink: row.run_link ?? '',
  status: 'READY',
  tags,
  aliases,
  semver: row.semver,
  digest: row.tree_digest,
});

/** One version row as the API shows it. */
export async function loadVersion(db: Db, model: RegisteredModelRow, row: ModelVersionRow): Promise<ModelVersion> {
  const [version] = await loadVersions(db, [row], new Map([[model.model_id, model.name]]));
  return version as ModelVersion;
}

/** The latest live version of each model in each stage, in STAGES order per model. */
function latestPerStage(ids: readonly number[], versions: readonly ModelVersionRow[]): ModelVersionRow[] {
  const latest = new Map<string, ModelVersionRow>();
  for (const row of versions) {
    const key = `${row.model_id}/${row.current_stage}`;
    const seen = latest.get(key);
    if (seen === undefined || Number(seen.version) < Number(row.version)) latest.set(key, row);
  }
  return ids.flatMap((id) => STAGES.flatMap((stage) => latest.get(`${id}/${stage}`) ?? []));
}

/** Turns model rows into API models, with tags, aliases and the latest version of each stage. */
export async function loadModels(db: Db, rows: readonly RegisteredModelRow[]): Promise<RegisteredModel[]> {
  const ids = rows.map((row) => row.model_id);
  const [tags, aliases, versions] = await Promise.all([
    selectModelTags(db, ids),
    selectAliases(db, ids),
    selectLiveVersions(db, ids),
  ]);
  const names = new Map(rows.map((row) => [row.model_id, row.name]));
  const latestRows = latestPerStage(ids, versions);
  const latest = await loadVersions(db, latestRows, names);
  return rows.map((row) => ({
    name: row.name,
    creationTimestamp: Number(row.creation_time),
    lastUpdatedTimestamp: Number(row.last_updated_time),
    description: row.description ?? '',
    latestVersions: latest.filter((_, i) => latestRows[i]?.model_id === row.model_id),
    tags: tags.get(row.model_id) ?? [],
    aliases: (aliases.get(row.model_id) ?? []).map((a) => ({ alias: a.alias, version: String(a.version) })),
  }));
}

export async function loadModel(db: Db, row: RegisteredModelRow): Promise<RegisteredModel> {
  const [model] = await loadModels(db, [row]);
  return model as RegisteredModel;
}
