import { basename } from 'node:path';
import type { Command } from 'commander';
import { createDeploymentSpec, type DeploymentOptions } from '../../deploy/create-deployment-spec.js';
import type { DeploymentSpec } from '../../deploy/deployment-spec.js';
import { type DeploymentModel, resolveDeploymentModel } from '../../deploy/resolve-deployment-model.js';
import type { CliContext } from '../cli-context.js';
import { environmentBuild } from './build-environment-support.js';
import { fetchModelForCli } from './model-fetch-support.js';
import { parsePositiveInt } from './tracking-command-support.js';

/** The options every `slipway build <target>` shares: who the model is, and how it is packaged and run. */
export interface BuildOptions {
  readonly output: string;
  readonly force?: boolean;
  readonly trackingUri?: string;
  readonly name?: string;
  readonly modelVersion?: string;
  readonly semver?: string;
  readonly env?: string;
  readonly namespace?: string;
  readonly port?: number;
  readonly replicas?: number;
  readonly maxReplicas?: number;
  readonly cpu?: string;
  readonly cpuLimit?: string;
  readonly memory?: string;
  readonly memoryLimit?: string;
  readonly image?: string;
  readonly tag?: string;
  readonly imageDigest?: string;
  readonly baseImage?: string;
  readonly slipwayTarball?: string;
  /** commander's `--no-batching`. */
  readonly batching: boolean;
  /** k8s: the pods follow the model's deployment to the environment. */
  readonly follow?: boolean;
  readonly trackingSecret?: string;
}

/** Adds the shared options to a build subcommand. */
export function withBuildOptions(command: Command): Command {
  return command
    .requiredOption('-o, --output <dir>', 'folder to write into (created if needed)')
    .option('-f, --force', 'replace files that exist in the output folder')
    .option(
      '--tracking-uri <uri>',
      'the registry for models:/ URIs (default: $SLIPWAY_TRACKING_URI, else the configured metadata.uri)',
    )
    .option('--name <name>', 'model name, for a model folder (default: the folder name)')
    .option('--model-version <version>', 'model version, for a model folder (default: local)')
    .option('--semver <x.y.z>', 'semantic version, for a model folder (default: 0.0.0)')
    .option('--env <name>', 'environment name (default: production)')
    .option('--namespace <ns>', 'Kubernetes namespace to write into the manifests')
    .option('-p, --port <port>', 'port the server listens on (default: 5000)', parsePositiveInt)
    .option('--replicas <n>', 'minimum replicas (default: 2)', parsePositiveInt)
    .option('--max-replicas <n>', 'maximum replicas for the autoscaler (default: max(replicas, 4))', parsePositiveInt)
    .option('--cpu <quantity>', 'CPU request (default: 250m)')
    .option('--cpu-limit <quantity>', 'CPU limit (default: none)')
    .option('--memory <quantity>', 'memory request (default: 512Mi)')
    .option('--memory-limit <quantity>', 'memory limit (default: 1Gi)')
    .option('--image <name>', 'image repository, e.g. registry.example.com/team/wine (default: slipway-<model>)')
    .option('--tag <tag>', 'image tag (default: <version>-<first 12 hex of the model digest>)')
    .option('--image-digest <sha256:…>', 'pin the pushed image by its registry digest in the manifests')
    .option('--base-image <ref@sha256:…>', 'Node.js base image, pinned by digest (default: the one Slipway tested)')
    .option('--slipway-tarball <file.tgz>', 'install Slipway from this `npm pack` file instead of the npm registry')
    .option('--no-batching', 'serve without request batching');
}

/**
 * The model (a folder, a models:/ URI fetched through the registry into the model cache, or an environment of
 * slipway.yaml: the version its deployment serves) and the spec.
 */
export async function resolveSpec(
  context: CliContext,
  target: string,
  given: BuildOptions,
): Promise<{ model: DeploymentModel; spec: DeploymentSpec }> {
  const environment = await environmentBuild(context, target, given);
  const model = environment?.uri ?? target;
  const options = environment?.options ?? given;
  const resolveUri = async (uri: string): Promise<DeploymentModel> => ({
    ...(await fetchModelForCli(context, uri, options.trackingUri)),
    uri,
  });
  const resolved = await resolveDeploymentModel({ cwd: context.cwd, resolveUri }, model, {
    name: options.name,
    version: options.modelVersion,
    semver: options.semver,
  });
  const follow = options.follow === true ? { model: resolved.name, trackingSecret: options.trackingSecret } : undefined;
  return {
    model: resolved,
    spec: createDeploymentSpec(resolved, { ...deploymentOptions(options), follow }, context.version),
  };
}

function deploymentOptions(options: BuildOptions): DeploymentOptions {
  return {
    environment: options.env,
    namespace: options.namespace,
    port: options.port,
    replicas: options.replicas,
    maxReplicas: options.maxReplicas,
    cpuRequest: options.cpu,
    cpuLimit: options.cpuLimit,
    memoryRequest: options.memory,
    memoryLimit: options.memoryLimit,
    imageName: options.image,
    imageTag: options.tag,
    imageDigest: options.imageDigest,
    baseImage: options.baseImage,
    slipwayTarball: options.slipwayTarball === undefined ? undefined : basename(options.slipwayTarball),
    batching: options.batching,
  };
}
