import type { Kysely } from 'kysely';
import type { Database } from '../../storage/metadata/schema.js';

/** Every table the tracking use cases write. */
export const TRACKING_TABLES = [
  'experiments',
  'experiment_tags',
  'runs',
  'run_tags',
  'params',
  'metrics',
  'latest_metrics',
  'datasets',
  'inputs',
  'input_tags',
] as const;

/**
 * Every row of every tracking table, each table's rows sorted by their JSON: compare snapshots taken before and
 * after a refused request to prove it wrote nothing. (NaN is stored as 0 + is_nan, so rows are plain JSON.)
 */
export async function trackingSnapshot(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const table of TRACKING_TABLES) {
    const rows = await db.selectFrom(table).selectAll().execute();
    snapshot[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}
