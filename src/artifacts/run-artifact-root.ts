import { type ArtifactPath, parseArtifactPath } from '../domain/artifact-path.js';
import { SlipwayError } from '../domain/errors.js';

/** The URI scheme of artifacts served by this server's artifact proxy. */
export const MLFLOW_ARTIFACTS_SCHEME = 'mlflow-artifacts:';

const AUTHORITY = /^\/\/[^/]*/;

/** MLflow's default artifact URI of a run: `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`. */
export const runArtifactUri = (experimentId: string | number, runId: string): string =>
  `${MLFLOW_ARTIFACTS_SCHEME}/${experimentId}/${runId}/artifacts`;

/**
 * The folder under the artifacts root that an `mlflow-artifacts:` URI names: `mlflow-artifacts:/1/r/artifacts`
 * and `mlflow-artifacts://host:5000/1/r/artifacts` both give `1/r/artifacts`. The path is validated like any
 * client path; other schemes (s3://, file:, a local folder) are not served by the proxy.
 */
export function artifactRootOf(artifactUri: string, field = 'artifact_uri'): ArtifactPath {
  if (!artifactUri.startsWith(MLFLOW_ARTIFACTS_SCHEME)) {
    throw new SlipwayError('NOT_IMPLEMENTED', `The ${field} is not an ${MLFLOW_ARTIFACTS_SCHEME} URI.`, {
      hint: `Slipway serves artifacts through its proxy only; create experiments with an ${MLFLOW_ARTIFACTS_SCHEME} artifact location.`,
    });
  }
  const path = artifactUri.slice(MLFLOW_ARTIFACTS_SCHEME.length).replace(AUTHORITY, '').replace(/^\//, '');
  return parseArtifactPath(path, { field, directory: true });
}
