import { putArtifact } from '../artifacts/put-artifact.js';
import { artifactRootOf } from '../artifacts/run-artifact-root.js';
import { joinArtifactPath, parseArtifactPath } from '../domain/artifact-path.js';
import type { MetadataStore } from '../storage/metadata/open-metadata.js';
import type { ObjectStore } from '../storage/objects/types.js';
import { createExperiment } from './create-experiment.js';
import { createRun } from './create-run.js';
import { deleteExperiment } from './delete-experiment.js';
import { deleteRun } from './delete-run.js';
import { getExperimentByName } from './get-experiment-by-name.js';
import { getMetricHistory } from './get-metric-history.js';
import { getRun } from './get-run.js';
import { logBatch } from './log-batch.js';
import { logInputs } from './log-inputs.js';
import { searchExperiments } from './search-experiments.js';
import { searchRuns } from './search-runs.js';
import { setTag } from './set-tag.js';
import type { PutRunArtifactInput, TrackingClient } from './tracking-client.js';
import { updateRun } from './update-run.js';

export interface SqlTrackingClientDeps {
  readonly metadata: MetadataStore;
  /** Where artifact bytes go (the artifact table in `metadata` records their paths). */
  readonly objects: ObjectStore;
  readonly now?: () => number;
  /** Artifacts larger than this are refused; default unlimited. */
  readonly artifactMaxBytes?: number;
}

/** The run-relative artifact path, validated, joined under the run's artifact root. */
function artifactPathOf(input: PutRunArtifactInput) {
  const root = artifactRootOf(input.artifactUri);
  return joinArtifactPath('path', root, parseArtifactPath(input.path));
}

/**
 * The tracking port straight over the use cases, for `sqlite:` and `postgresql:` tracking URIs. close() closes the
 * metadata and object stores it was given: it owns them.
 */
export function createSqlTrackingClient(deps: SqlTrackingClientDeps): TrackingClient {
  const maxBytes = deps.artifactMaxBytes ?? Number.POSITIVE_INFINITY;
  return {
    uri: deps.metadata.uri,
    createExperiment: (input) => createExperiment(deps, input),
    getExperimentByName: (name) => getExperimentByName(deps, { name }),
    searchExperiments: (input) => searchExperiments(deps, input),
    deleteExperiment: (experimentId) => deleteExperiment(deps, { experimentId }),
    createRun: (input) => createRun(deps, input),
    getRun: (runId) => getRun(deps, { runId }),
    updateRun: (input) => updateRun(deps, input),
    deleteRun: (runId) => deleteRun(deps, { runId }),
    setTag: (input) => setTag(deps, input),
    logBatch: (input) => logBatch(deps, input),
    logInputs: (input) => logInputs(deps, input),
    getMetricHistory: (input) => getMetricHistory(deps, input),
    searchRuns: (input) => searchRuns(deps, input),
    putArtifact: async (input) => {
      const path = artifactPathOf(input);
      await putArtifact(deps, { path, body: input.body, maxBytes, ...declared(input.size) });
    },
    close: async () => {
      await deps.objects.close();
      await deps.metadata.close();
    },
  };
}

const declared = (size: number | undefined) => (size === undefined ? {} : { declaredBytes: size });
