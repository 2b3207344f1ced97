import {
  DEFAULT_NODE_BASE_IMAGE,
  DEFAULT_SERVE_PORT,
  DEFAULT_TRACKING_SECRET,
  DEPLOYMENT_SPEC_SCHEMA_VERSION,
  type DeploymentSpec,
  parseDeploymentSpec,
} from './deployment-spec.js';
import type { DeploymentModel } from './resolve-deployment-model.js';

/** What the user chose; every field has a default. Values are validated with the spec, all problems at once. */
export interface DeploymentOptions {
  readonly environment?: string;
  readonly namespace?: string;
  readonly port?: number;
  readonly replicas?: number;
  readonly maxReplicas?: number;
  readonly cpuRequest?: string;
  readonly cpuLimit?: string;
  readonly memoryRequest?: string;
  readonly memoryLimit?: string;
  readonly imageName?: string;
  readonly imageTag?: string;
  readonly imageDigest?: string;
  readonly baseImage?: string;
  /** A packed Slipway package (`npm pack`) to install instead of the registry version: its file name. */
  readonly slipwayTarball?: string;
  readonly batching?: boolean;
  /** Pods follow this registered model's deployment to the environment (see the spec's serving.follow). */
  readonly follow?: { readonly model: string; readonly trackingSecret?: string | undefined };
}

/** The deployment spec of a pinned model, with defaults filled in; INVALID_PARAMETER_VALUE naming every problem. */
export function createDeploymentSpec(
  model: DeploymentModel,
  options: DeploymentOptions,
  slipwayVersion: string,
): DeploymentSpec {
  const replicas = options.replicas ?? 2;
  const hex12 = model.digest.slice('sha256:'.length, 'sha256:'.length + 12);
  return parseDeploymentSpec({
    schema: DEPLOYMENT_SPEC_SCHEMA_VERSION,
    model: { name: model.name, version: model.version, semver: model.semver, digest: model.digest, uri: model.uri },
    environment: options.environment ?? 'production',
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    port: options.port ?? DEFAULT_SERVE_PORT,
    replicas,
    maxReplicas: options.maxReplicas ?? Math.max(replicas, 4),
    resources: {
      requests: { cpu: options.cpuRequest ?? '250m', memory: options.memoryRequest ?? '512Mi' },
      limits: {
        ...(options.cpuLimit === undefined ? {} : { cpu: options.cpuLimit }),
        memory: options.memoryLimit ?? '1Gi',
      },
    },
    image: {
      name: options.imageName ?? `slipway-${model.name}`,
      tag: options.imageTag ?? `${model.version}-${hex12}`,
      ...(options.imageDigest === undefined ? {} : { digest: options.imageDigest }),
    },
    baseImage: options.baseImage ?? DEFAULT_NODE_BASE_IMAGE,
    slipway:
      options.slipwayTarball === undefined
        ? { version: slipwayVersion, source: 'registry' }
        : { version: slipwayVersion, source: 'tarball', tarball: options.slipwayTarball },
    serving: servingOptions(options),
  });
}

/** How the server runs: batching, and whether it follows a deployment instead of serving the baked-in model. */
function servingOptions(options: DeploymentOptions): Record<string, unknown> {
  const batching = options.batching ?? true;
  if (options.follow === undefined) return { batching };
  const follow = {
    model: options.follow.model,
    environment: options.environment ?? 'production',
    trackingSecret: options.follow.trackingSecret ?? DEFAULT_TRACKING_SECRET,
  };
  return { batching, follow };
}
