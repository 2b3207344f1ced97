import { basename } from 'node:path';
import type { Workspace } from '../../data/workspace/workspace.js';
import { invalidParameter } from '../../domain/errors.js';
import { quoteString } from '../../domain/search/print-filter.js';
import type { TrackingClient } from '../../tracking/tracking-client.js';
import { readLock } from '../lock-file.js';
import type { StageOutcome } from '../repro.js';
import type { Pipeline } from '../types.js';

export interface FindModelRunDeps {
  readonly ws: Workspace;
  readonly pipeline: Pipeline;
  readonly tracking: Pick<TrackingClient, 'getExperimentByName' | 'searchRuns'>;
}

/** How many of the stage's latest finished runs are looked through for the one that wrote the current model. */
const RUNS_LOOKED_AT = 200;

/**
 * The tracked run that wrote the model folder as it is now: the run of its stage in this repro when the stage ran,
 * else (up to date, or restored from the run cache) the latest finished run that logged `path` as its model with
 * the digest the lock file records for it — so the registered version always pins exactly what the pipeline made.
 */
export async function findModelRun(
  deps: FindModelRunDeps,
  outcomes: readonly StageOutcome[],
  path: string,
): Promise<string> {
  const stage = deps.pipeline.stages.find((candidate) => candidate.outs.includes(path));
  if (stage === undefined) throw noModelRun(path, 'no stage of slipway.yaml lists it in its outs');
  const ran = outcomes.find((outcome) => outcome.name === stage.name)?.runId;
  if (ran !== undefined) return ran;
  const digest = (await readLock(deps.ws.root)).stages[stage.name]?.outs.find((out) => out.path === path)?.digest;
  if (digest === undefined) throw noModelRun(path, `slipway.lock has no digest for it (stage ${stage.name} never ran)`);
  const experiment = await deps.tracking.getExperimentByName(deps.pipeline.experiment ?? basename(deps.ws.root));
  const runs = await deps.tracking.searchRuns({
    experimentIds: [experiment.experimentId],
    filter: `tags.\`slipway.pipeline.model\` = ${quoteString(path)} and attributes.status = 'FINISHED'`,
    orderBy: ['attributes.start_time DESC'],
    maxResults: RUNS_LOOKED_AT,
  });
  const found = runs.items.find((run) =>
    loggedOutputs(run.data.tags).some((o) => o.path === path && o.digest === digest),
  );
  if (found === undefined) throw noModelRun(path, `none of the latest finished runs of ${stage.name} wrote ${digest}`);
  return found.info.runId;
}

function loggedOutputs(tags: readonly { key: string; value: string }[]): { path?: unknown; digest?: unknown }[] {
  const text = tags.find((tag) => tag.key === 'slipway.pipeline.outputs')?.value;
  if (text === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as { path?: unknown; digest?: unknown }[]) : [];
  } catch {
    return []; // a summary cut at the tag length limit: not this run's proof
  }
}

const noModelRun = (path: string, why: string) =>
  invalidParameter(`No tracked run holds the model folder ${path} as it is now: ${why}.`, {
    hint: 'Run the stage that writes it as a tracked run (slipway repro --force <stage>), then release again.',
  });
