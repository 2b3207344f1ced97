import { TRACKING_LIMITS } from './limits.js';
import { checkLength, invalidValue } from './validate.js';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const PREFIX = 'mlflow-artifacts:/';

/**
 * An experiment's artifact_location must stay inside the server's artifact store: only `mlflow-artifacts:/a/b`
 * URIs whose segments are plain names (letters, digits, `_`, `-`, `.`; no `.`/`..`, no empty segment, no `%`,
 * `\`, `?`, `#`, `;`, no host). File paths and remote URLs the server would write to are refused: that is the
 * CVE-2023-1177 family (docs/tracking.md).
 */
export function checkArtifactLocation(path: string, location: string): void {
  checkLength(path, location, TRACKING_LIMITS.maxArtifactLocationLength);
  const rest = location.startsWith(PREFIX) ? location.slice(PREFIX.length) : undefined;
  const segments = rest?.split('/') ?? [];
  const plain = rest !== undefined && rest !== '' && segments.every((segment) => SEGMENT.test(segment));
  if (!plain) {
    throw invalidValue(
      path,
      location,
      'only mlflow-artifacts:/<path> locations inside the server artifact store are accepted, with plain path segments.',
      'Leave artifact_location out to get mlflow-artifacts:/<experiment_id>, or use e.g. mlflow-artifacts:/team-a/churn.',
    );
  }
}
