import { type ArtifactPath, joinArtifactPath } from '../domain/artifact-path.js';
import { invalidParameter, notFound } from '../domain/errors.js';
import { findRunArtifactUri } from '../storage/metadata/artifacts/run-artifact-uri.js';
import type { ArtifactDeps } from './artifact-deps.js';
import { listArtifacts } from './list-artifacts.js';
import { artifactRootOf } from './run-artifact-root.js';

/** MLflow's run id rule: an alphanumeric, then up to 255 word characters or dashes. */
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;

export interface ListRunArtifactsInput {
  readonly runId: string;
  /** The folder within the run's artifacts; '' for the top. */
  readonly path: ArtifactPath;
  readonly pageToken?: string;
}

/** An entry of a run's artifacts; `path` is relative to the run's artifact root, as MLflow's FileInfo. */
export interface RunArtifactEntry {
  readonly path: string;
  readonly isDir: boolean;
  readonly size?: number;
}

export interface RunArtifactListing {
  /** The run's artifact URI, e.g. `mlflow-artifacts:/1/<run>/artifacts`. */
  readonly rootUri: string;
  readonly files: readonly RunArtifactEntry[];
  readonly nextPageToken?: string;
}

/** One page of the entries directly under `path` in a run's artifacts (MLflow's ListArtifacts). */
export async function listRunArtifacts(
  deps: Pick<ArtifactDeps, 'metadata'>,
  input: ListRunArtifactsInput,
): Promise<RunArtifactListing> {
  if (!RUN_ID.test(input.runId)) throw invalidParameter('Invalid run_id: it is not a run id.');
  const rootUri = await findRunArtifactUri(deps.metadata.db, input.runId);
  if (rootUri === undefined) throw notFound(`Run '${input.runId}' not found.`);
  const dir = joinArtifactPath('path', artifactRootOf(rootUri), input.path);
  const page = await listArtifacts(deps, {
    dir,
    ...(input.pageToken === undefined ? {} : { pageToken: input.pageToken }),
  });
  const files = page.entries.map((entry) => ({
    path: input.path === '' ? entry.name : `${input.path}/${entry.name}`,
    isDir: entry.isDir,
    ...(entry.isDir ? {} : { size: entry.size }),
  }));
  return { rootUri, files, ...(page.nextPageToken === undefined ? {} : { nextPageToken: page.nextPageToken }) };
}
