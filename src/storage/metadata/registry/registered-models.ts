import type { RegisteredModelRow } from '../schema.js';
import type { Db } from '../tracking/db.js';

export interface NewRegisteredModel {
  readonly name: string;
  readonly nameKey: string;
  readonly description: string | null;
  readonly time: number;
}

/** Inserts a model; returns its row, or undefined when the key is taken. */
export async function insertRegisteredModel(
  db: Db,
  model: NewRegisteredModel,
): Promise<RegisteredModelRow | undefined> {
  return db
    .insertInto('registered_models')
    .values({
      name: model.name,
      name_key: model.nameKey,
      description: model.description,
      creation_time: model.time,
      last_updated_time: model.time,
    })
    .onConflict((conflict) => conflict.column('name_key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function selectRegisteredModel(db: Db, nameKey: string): Promise<RegisteredModelRow | undefined> {
  return db.selectFrom('registered_models').selectAll().where('name_key', '=', nameKey).executeTakeFirst();
}

export async function selectRegisteredModelsById(db: Db, ids: readonly number[]): Promise<RegisteredModelRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('registered_models').selectAll().where('model_id', 'in', ids).execute();
}

/**
 * Locks the model's row for the rest of the transaction (an UPDATE takes the row lock on PostgreSQL; SQLite write
 * transactions are exclusive). Every registry write starts here, so writes to one
 * model are serialized and two clients never interleave. Undefined when there is no such model.
 */
export async function lockRegisteredModel(db: Db, nameKey: string): Promise<RegisteredModelRow | undefined> {
  return db
    .updateTable('registered_models')
    .set((eb) => ({ last_version: eb.ref('last_version') }))
    .where('name_key', '=', nameKey)
    .returningAll()
    .executeTakeFirst();
}

/** Stamps a model's last_updated_time. */
export async function touchRegisteredModel(db: Db, nameKey: string, time: number): Promise<void> {
  await db.updateTable('registered_models').set({ last_updated_time: time }).where('name_key', '=', nameKey).execute();
}

/** Takes the next version number of a locked model (the counter never goes back, so numbers are never reused). */
export async function takeNextVersion(db: Db, modelId: number): Promise<number> {
  const row = await db
    .updateTable('registered_models')
    .set((eb) => ({ last_version: eb('last_version', '+', 1) }))
    .where('model_id', '=', modelId)
    .returning('last_version')
    .executeTakeFirstOrThrow();
  return Number(row.last_version);
}

export interface RegisteredModelChanges {
  readonly name?: string;
  readonly nameKey?: string;
  readonly description?: string | null;
}

export async function updateRegisteredModel(db: Db, modelId: number, changes: RegisteredModelChanges): Promise<void> {
  const set = {
    ...(changes.name === undefined ? {} : { name: changes.name }),
    ...(changes.nameKey === undefined ? {} : { name_key: changes.nameKey }),
    ...(changes.description === undefined ? {} : { description: changes.description }),
  };
  if (Object.keys(set).length === 0) return;
  await db.updateTable('registered_models').set(set).where('model_id', '=', modelId).execute();
}

/** Whether another model already has this key. */
export async function nameKeyTaken(db: Db, nameKey: string, exceptModelId: number): Promise<boolean> {
  const row = await db
    .selectFrom('registered_models')
    .select('model_id')
    .where('name_key', '=', nameKey)
    .where('model_id', '<>', exceptModelId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes the model and, by cascade, its versions, tags and aliases. */
export async function deleteRegisteredModel(db: Db, modelId: number): Promise<void> {
  await db.deleteFrom('model_version_tags').where('model_id', '=', modelId).execute();
  await db.deleteFrom('registered_model_aliases').where('model_id', '=', modelId).execute();
  await db.deleteFrom('registered_models').where('model_id', '=', modelId).execute();
}
