import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The artifact URI of a run (deleted runs included, as MLflow lists their artifacts too), or undefined. */
export async function findRunArtifactUri(db: Db, runUuid: string): Promise<string | undefined> {
  const row = await db.selectFrom('runs').select('artifact_uri').where('run_uuid', '=', runUuid).executeTakeFirst();
  return row?.artifact_uri;
}
