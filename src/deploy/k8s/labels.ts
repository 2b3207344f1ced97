import { type DeploymentSpec, workloadName } from '../deployment-spec.js';

/** The annotation (and label) prefix of Slipway's own keys. */
export const SLIPWAY_KEY_PREFIX = 'slipway.dev';

/** The two labels that identify the pods of one deployment: the selector (immutable once applied). */
export function selectorLabels(spec: DeploymentSpec): Record<string, string> {
  return { 'app.kubernetes.io/name': spec.model.name, 'app.kubernetes.io/instance': workloadName(spec) };
}

/** The recommended app.kubernetes.io labels, the same on every object, plus the environment. */
export function standardLabels(spec: DeploymentSpec): Record<string, string> {
  return {
    ...selectorLabels(spec),
    'app.kubernetes.io/version': spec.model.version,
    'app.kubernetes.io/component': 'model-server',
    'app.kubernetes.io/part-of': 'slipway',
    'app.kubernetes.io/managed-by': 'slipway',
    [`${SLIPWAY_KEY_PREFIX}/environment`]: spec.environment,
  };
}

/** Which model the object serves, pinned by the digest of its tree. */
export function modelAnnotations(spec: DeploymentSpec): Record<string, string> {
  return {
    [`${SLIPWAY_KEY_PREFIX}/model-name`]: spec.model.name,
    [`${SLIPWAY_KEY_PREFIX}/model-version`]: spec.model.version,
    [`${SLIPWAY_KEY_PREFIX}/model-semver`]: spec.model.semver,
    [`${SLIPWAY_KEY_PREFIX}/model-digest`]: spec.model.digest,
    [`${SLIPWAY_KEY_PREFIX}/model-uri`]: spec.model.uri,
    [`${SLIPWAY_KEY_PREFIX}/slipway-version`]: spec.slipway.version,
  };
}

/** metadata for a top-level object: name, namespace when set, labels, model annotations. */
export function objectMetadata(spec: DeploymentSpec): Record<string, unknown> {
  return {
    name: workloadName(spec),
    ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
    labels: standardLabels(spec),
    annotations: modelAnnotations(spec),
  };
}
