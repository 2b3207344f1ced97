import { TRACKING_LIMITS } from './limits.js';
import type { TrackingClient } from './tracking-client.js';
import type { DatasetInput } from './types.js';

/** Tracked data as a run reads it: a workspace path and the content digest its pointer file names. */
export interface TrackedData {
  readonly path: string;
  /** `sha256:<hex>` of the file, or of the tree of a directory. */
  readonly digest: string;
  readonly size: number;
  /** For a directory: how many files it holds. */
  readonly files?: number | undefined;
}

const cut = (text: string, limit: number) => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);

/**
 * Tracked data as MLflow dataset inputs: the name is the path, the (short, as MLflow's) digest the first 32 hex
 * characters of the content digest, the source (`source_type: slipway`) JSON with the full digest, size and file
 * count, and `mlflow.data.context` the given context (`training`, `workspace`, …).
 */
export function trackedDataInputs(data: readonly TrackedData[], context: string): DatasetInput[] {
  return data.map((item) => ({
    tags: [{ key: 'mlflow.data.context', value: context }],
    dataset: {
      name: cut(item.path, TRACKING_LIMITS.maxDatasetNameLength),
      digest: item.digest.slice('sha256:'.length, 'sha256:'.length + 32),
      sourceType: 'slipway',
      source: JSON.stringify({ path: item.path, digest: item.digest, size: item.size, files: item.files }),
    },
  }));
}

/** Logs tracked data as the run's dataset inputs, in requests of at most the per-request limit. */
export async function logTrackedData(
  client: Pick<TrackingClient, 'logInputs'>,
  runId: string,
  data: readonly TrackedData[],
  context: string,
): Promise<void> {
  const datasets = trackedDataInputs(data, context);
  for (let i = 0; i < datasets.length; i += TRACKING_LIMITS.maxDatasetsPerRequest) {
    await client.logInputs({ runId, datasets: datasets.slice(i, i + TRACKING_LIMITS.maxDatasetsPerRequest) });
  }
}
