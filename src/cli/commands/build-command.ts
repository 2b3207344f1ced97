import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildDockerImage } from '../../deploy/docker/build-docker-image.js';
import { loadSlipwayLock } from '../../deploy/docker/load-slipway-lock.js';
import { buildKubernetesManifests } from '../../deploy/k8s/build-kubernetes-manifests.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { type BuildOptions, resolveSpec, withBuildOptions } from './build-command-support.js';
import { printResult } from './tracking-command-support.js';

interface DockerOptions extends BuildOptions {
  /** `--build` (must build) or `--no-build` (never); absent: build when an engine answers. */
  readonly build?: boolean;
}

interface K8sOptions extends BuildOptions {
  readonly kserve?: boolean;
  readonly apply?: boolean;
}

/** Tool output (docker build, kubectl) goes to stderr: stdout stays for the result (one JSON value with --json). */
async function runDocker(modelArg: string, options: DockerOptions, context: CliContext): Promise<void> {
  const { model, spec } = await resolveSpec(context, modelArg, options);
  const result = await buildDockerImage(
    { env: context.env, output: context.stderr },
    {
      spec,
      modelFolder: model.folder,
      outDir: resolve(context.cwd, options.output),
      force: options.force,
      build: options.build === undefined ? 'auto' : options.build ? 'always' : 'never',
      slipwayLock: await loadSlipwayLock(),
      slipwayTarball: options.slipwayTarball === undefined ? undefined : resolve(context.cwd, options.slipwayTarball),
    },
  );
  const built = result.built
    ? `Built image ${result.image}.`
    : result.engine === undefined
      ? `Not built (--no-build): run \`docker build --tag ${result.image} ${result.outDir}\`.`
      : `Not built: ${result.engine.reason}. Run \`docker build --tag ${result.image} ${result.outDir}\` where Docker runs.`;
  printResult(context, { ...result, spec }, [
    `Wrote the Docker build context for ${spec.model.name} ${spec.model.version} (${spec.model.digest}) in ${result.outDir}.`,
    built,
  ]);
}

async function runK8s(modelArg: string, options: K8sOptions, context: CliContext): Promise<void> {
  const { spec } = await resolveSpec(context, modelArg, options);
  const outDir = resolve(context.cwd, options.output);
  const result = await buildKubernetesManifests(
    { env: context.env, output: context.stderr },
    { spec, outDir, force: options.force, kserve: options.kserve, apply: options.apply },
  );
  const applied = result.appliedTo === undefined ? [] : [`Applied to kubectl context ${result.appliedTo}.`];
  printResult(context, { ...result, spec }, [
    `Wrote ${result.files.length} manifest(s) for ${spec.model.name} ${spec.model.version} (${spec.model.digest}) in ${outDir}:`,
    ...result.files.map((file) => `  ${file}`),
    ...applied,
  ]);
}

/** `slipway build docker|k8s <model> -o <dir>`. */
export const buildCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const build = program
      .command('build')
      .description('write deployment artefacts for a model: a Docker image, Kubernetes manifests');
    withBuildOptions(
      build
        .command('docker')
        .description('write a Docker build context serving the model (baked in by digest); build it when Docker runs')
        .argument(
          '<model>',
          'a model folder, a models:/ URI, or an environment of slipway.yaml (the version it serves)',
        )
        .option('--build', 'fail unless the image is built (a Docker engine must answer)')
        .option('--no-build', 'only write the build context'),
    ).action((model: string, options: DockerOptions) => runDocker(model, options, context));
    withBuildOptions(
      build
        .command('k8s')
        .description('write Kubernetes manifests (Deployment, Service, HPA, PDB) or a KServe InferenceService')
        .argument(
          '<model>',
          'a model folder, a models:/ URI, or an environment of slipway.yaml (the version it serves)',
        )
        .option('--kserve', 'write a KServe InferenceService instead of the plain workload')
        .option(
          '--follow',
          "pods follow the model's deployment to --env (canary steps and rollbacks apply in place) instead of serving one baked version",
        )
        .option(
          '--tracking-secret <name>',
          'with --follow: the Secret whose key `uri` is the tracking URI',
          'slipway-tracking',
        )
        .option('--apply', 'run `kubectl apply` on the output folder (kubectl must be configured)'),
    ).action((model: string, options: K8sOptions) => runK8s(model, options, context));
  },
};
