import type { DeploymentRevisionRow, DeploymentRow } from '../schema.js';
import type { Db } from '../tracking/db.js';

/** The events table subject of a deployment: `deployments/<model>/<environment>`. */
export const deploymentSubject = (model: string, environment: string): string => `deployments/${model}/${environment}`;

/** A revision as written to both tables; `time` is the revision's (and the deployment's `updated_at`). */
export type NewRevisionRow = DeploymentRevisionRow;

const numbers = <T extends { revision: number }>(row: T): T => ({ ...row, revision: Number(row.revision) });

const deploymentNumbers = (row: DeploymentRow): DeploymentRow => ({
  ...numbers(row),
  created_at: Number(row.created_at),
  updated_at: Number(row.updated_at),
});

export async function selectDeployment(db: Db, model: string, environment: string): Promise<DeploymentRow | undefined> {
  const row = await db
    .selectFrom('deployments')
    .selectAll()
    .where('model', '=', model)
    .where('environment', '=', environment)
    .executeTakeFirst();
  return row === undefined ? undefined : deploymentNumbers(row);
}

/** Deployments of one model and/or one environment (or all), ordered by model then environment. */
export async function selectDeployments(
  db: Db,
  filter: { readonly model?: string | undefined; readonly environment?: string | undefined },
): Promise<DeploymentRow[]> {
  let query = db.selectFrom('deployments').selectAll();
  if (filter.model !== undefined) query = query.where('model', '=', filter.model);
  if (filter.environment !== undefined) query = query.where('environment', '=', filter.environment);
  const rows = await query.orderBy('model').orderBy('environment').execute();
  return rows.map(deploymentNumbers);
}

const current = (row: NewRevisionRow) => ({
  revision: row.revision,
  target: row.target,
  policy: row.policy,
  action: row.action,
  reason: row.reason,
  release_id: row.release_id,
  actor: row.actor,
  updated_at: row.time,
});

/**
 * Creates the deployment at its first revision, unless a concurrent writer created it first: false then, and
 * nothing is written (PostgreSQL waits for that writer to commit before deciding).
 */
export async function insertDeployment(db: Db, row: NewRevisionRow): Promise<boolean> {
  const inserted = await db
    .insertInto('deployments')
    .values({ model: row.model, environment: row.environment, ...current(row), created_at: row.time })
    .onConflict((conflict) => conflict.columns(['model', 'environment']).doNothing())
    .returning('revision')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Moves the deployment from revision `from` to `row.revision`: a compare-and-set, false (nothing written) when
 * the deployment is no longer at `from` (or is gone). PostgreSQL re-checks the condition after waiting for a
 * concurrent writer of the row, so of two writers that read the same revision exactly one moves it.
 */
export async function updateDeployment(db: Db, row: NewRevisionRow, from: number): Promise<boolean> {
  const updated = await db
    .updateTable('deployments')
    .set(current(row))
    .where('model', '=', row.model)
    .where('environment', '=', row.environment)
    .where('revision', '=', from)
    .returning('revision')
    .executeTakeFirst();
  return updated !== undefined;
}

export async function insertDeploymentRevision(db: Db, row: NewRevisionRow): Promise<void> {
  await db.insertInto('deployment_revisions').values(row).execute();
}

/** Deletes the deployment and its revisions; returns the row it deleted (undefined when there was none). */
export async function deleteDeploymentRows(
  db: Db,
  model: string,
  environment: string,
): Promise<DeploymentRow | undefined> {
  const row = await db
    .deleteFrom('deployments')
    .where('model', '=', model)
    .where('environment', '=', environment)
    .returningAll()
    .executeTakeFirst();
  if (row === undefined) return undefined;
  await db
    .deleteFrom('deployment_revisions')
    .where('model', '=', model)
    .where('environment', '=', environment)
    .execute();
  return deploymentNumbers(row);
}

/** Revisions newest first, below `beforeRevision` when given. */
export async function selectDeploymentRevisions(
  db: Db,
  query: {
    readonly model: string;
    readonly environment: string;
    readonly beforeRevision?: number | undefined;
    readonly limit: number;
  },
): Promise<DeploymentRevisionRow[]> {
  let select = db
    .selectFrom('deployment_revisions')
    .selectAll()
    .where('model', '=', query.model)
    .where('environment', '=', query.environment);
  if (query.beforeRevision !== undefined) select = select.where('revision', '<', query.beforeRevision);
  const rows = await select.orderBy('revision', 'desc').limit(query.limit).execute();
  return rows.map((row) => ({ ...numbers(row), time: Number(row.time) }));
}
