import { type DeploymentSpec, pinnedImageReference, SERVER_UID } from '../deployment-spec.js';
import { HEALTH_PATH, serveArgs, TRACKING_URI_ENV } from '../serve-command.js';

/** Locked-down container settings: no privilege escalation, no capabilities, read-only root, default seccomp. */
export const CONTAINER_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: SERVER_UID,
  runAsGroup: SERVER_UID,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The pod-level counterpart: every container non-root, files created in volumes owned by the server's group. */
export const POD_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: SERVER_UID,
  runAsGroup: SERVER_UID,
  fsGroup: SERVER_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The only writable place: a bounded scratch folder at /tmp (the root filesystem is read-only). */
export const SCRATCH_VOLUME = { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } };

/** A following pod's model cache (the versions its deployment names, fetched by digest and verified). */
export const MODEL_CACHE_VOLUME = { name: 'models', emptyDir: { sizeLimit: '4Gi' } };
const SLIPWAY_HOME_IN_POD = '/var/lib/slipway';

/** The pod's volumes: scratch, and the model cache when it follows a deployment. */
export const podVolumes = (spec: DeploymentSpec): Record<string, unknown>[] =>
  spec.serving.follow === undefined ? [SCRATCH_VOLUME] : [SCRATCH_VOLUME, MODEL_CACHE_VOLUME];

const probe = (port: number, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path: HEALTH_PATH, port, scheme: 'HTTP' },
  periodSeconds,
  timeoutSeconds: 3,
  failureThreshold,
});

/** The model server container: the pinned image serving the baked-in model, probed on /health. */
export function serverContainer(spec: DeploymentSpec, name: string): Record<string, unknown> {
  return {
    name,
    image: pinnedImageReference(spec),
    imagePullPolicy: 'IfNotPresent',
    args: serveArgs(spec),
    ports: [{ name: 'http', containerPort: spec.port, protocol: 'TCP' }],
    resources: spec.resources,
    // Up to 5 minutes to load the model before liveness counts; then out of rotation after 3 failed checks.
    startupProbe: probe(spec.port, 5, 60),
    readinessProbe: probe(spec.port, 5, 3),
    livenessProbe: probe(spec.port, 10, 3),
    securityContext: CONTAINER_SECURITY_CONTEXT,
    ...followSettings(spec),
  };
}

/** Scratch only; or, following a deployment, the tracking URI from its Secret and a model cache to fetch into. */
function followSettings(spec: DeploymentSpec): Record<string, unknown> {
  const scratch = { name: SCRATCH_VOLUME.name, mountPath: '/tmp' };
  const follow = spec.serving.follow;
  if (follow === undefined) return { volumeMounts: [scratch] };
  return {
    env: [
      {
        name: TRACKING_URI_ENV,
        valueFrom: { secretKeyRef: { name: follow.trackingSecret, key: 'uri' } },
      },
      { name: 'SLIPWAY_HOME', value: SLIPWAY_HOME_IN_POD },
    ],
    volumeMounts: [scratch, { name: MODEL_CACHE_VOLUME.name, mountPath: SLIPWAY_HOME_IN_POD }],
  };
}
