import type { MetadataStore } from '../../../storage/metadata/open-metadata.js';
import { createExperiment } from '../../create-experiment.js';
import { createRun } from '../../create-run.js';
import { deleteRun } from '../../delete-run.js';
import { logBatch } from '../../log-batch.js';
import { logInputs } from '../../log-inputs.js';
import { TRACKING_TABLES } from '../../testing/tracking-snapshot.js';
import type { DatasetInput, RunStatus } from '../../types.js';
import { updateRun } from '../../update-run.js';

/** A run to create with the tracking use cases (the same code path MLflow clients take). */
export interface SeedRun {
  readonly name: string;
  readonly experimentId?: string;
  readonly userId?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly status?: RunStatus;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly params?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly datasets?: readonly DatasetInput[];
  readonly deleted?: boolean;
}

type Deps = { readonly metadata: Pick<MetadataStore, 'db'> };

const entries = (record: Readonly<Record<string, string>> | undefined) =>
  Object.entries(record ?? {}).map(([key, value]) => ({ key, value }));

/** Creates the run and everything it carries; returns its id. */
export async function seedRun(deps: Deps, run: SeedRun): Promise<string> {
  const created = await createRun(deps, {
    experimentId: run.experimentId ?? '0',
    runName: run.name,
    userId: run.userId,
    startTime: run.startTime,
  });
  const runId = created.info.runId;
  const metrics = Object.entries(run.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 }));
  await logBatch(deps, { runId, metrics, params: entries(run.params), tags: entries(run.tags) });
  if (run.datasets) await logInputs(deps, { runId, datasets: run.datasets });
  if (run.status !== undefined || run.endTime !== undefined) {
    await updateRun(deps, { runId, status: run.status, endTime: run.endTime });
  }
  if (run.deleted) await deleteRun(deps, { runId });
  return runId;
}

/** Creates the runs in order; returns their ids by name. */
export async function seedRuns(deps: Deps, runs: readonly SeedRun[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const run of runs) ids[run.name] = await seedRun(deps, run);
  return ids;
}

export async function seedExperiment(deps: Deps, name: string): Promise<string> {
  return (await createExperiment(deps, { name })).experimentId;
}

/** Row counts of every tracking table: compare before and after to show nothing changed. */
export async function tableCounts(deps: Deps): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TRACKING_TABLES) {
    const row = await deps.metadata.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}
