import { type DeploymentSpec, modelPathInImage } from './deployment-spec.js';

/**
 * The arguments of `slipway` that serve the baked-in model: the image's CMD and the Kubernetes container's args.
 * One place, so the Dockerfile, the Deployment and the InferenceService can never disagree. The flags are those of
 * `slipway serve` (src/serving): listen on all interfaces inside the container, on the spec's port.
 */
export function serveArgs(spec: DeploymentSpec): string[] {
  const args = ['serve', modelPathInImage(spec), '--host', '0.0.0.0', '--port', String(spec.port)];
  return spec.serving.batching ? args : [...args, '--no-batching'];
}

/** The health endpoint every target probes. */
export const HEALTH_PATH = '/health';

/** Where Slipway is installed in the image, and its entry point. */
export const SLIPWAY_HOME = '/opt/slipway';
export const SLIPWAY_BIN = `${SLIPWAY_HOME}/node_modules/slipway/bin/slipway.js`;
