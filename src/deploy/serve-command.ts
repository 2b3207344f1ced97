import { type DeploymentSpec, modelPathInImage } from './deployment-spec.js';

/**
 * The arguments of `slipway` that serve the baked-in model: the image's CMD and the Kubernetes container's args.
 * One place, so the Dockerfile, the Deployment and the InferenceService can never disagree. The flags are those of
 * `slipway serve` (src/serving): listen on all interfaces inside the container, on the spec's port.
 */
export function serveArgs(spec: DeploymentSpec): string[] {
  const follow = spec.serving.follow;
  const listen = ['--host', '0.0.0.0', '--port', String(spec.port)];
  const args =
    follow === undefined
      ? ['serve', modelPathInImage(spec), ...listen]
      : [
          'serve',
          `--deployment=${follow.model}/${follow.environment}`,
          ...listen,
          `--tracking-uri=$(${TRACKING_URI_ENV})`,
        ];
  return spec.serving.batching ? args : [...args, '--no-batching'];
}

/** The variable a following pod reads its tracking URI from (Kubernetes expands `$(NAME)` in args). */
export const TRACKING_URI_ENV = 'SLIPWAY_TRACKING_URI';

/** The health endpoint every target probes. */
export const HEALTH_PATH = '/health';

/** Where Slipway is installed in the image, and its entry point. */
export const SLIPWAY_HOME = '/opt/slipway';
export const SLIPWAY_BIN = `${SLIPWAY_HOME}/node_modules/slipway/bin/slipway.js`;
