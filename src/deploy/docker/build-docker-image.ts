import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { invalidParameter } from '../../domain/errors.js';
import { hashThrough } from '../../lib/hash-pass-through.js';
import { writeStreamToFile } from '../../lib/write-stream-to-file.js';
import { type DeploymentSpec, imageReference } from '../deployment-spec.js';
import { confinedTarget, prepareOutDir, refuseClobber, writeGeneratedFiles } from '../write-generated-files.js';
import { copyModelIntoContext } from './copy-model-into-context.js';
import { dockerBuild, dockerEngineStatus, type EngineStatus } from './docker-engine.js';
import { contextModelDir, generateDockerContext } from './generate-docker-context.js';
import type { NpmLockfile } from './runtime-package.js';

export interface BuildDockerImageInput {
  readonly spec: DeploymentSpec;
  /** The folder holding the model tree the spec pins. */
  readonly modelFolder: string;
  readonly outDir: string;
  readonly force?: boolean;
  /** `auto`: build when an engine answers; `always`: fail without one; `never`: only write the context. */
  readonly build: 'auto' | 'always' | 'never';
  readonly slipwayLock?: NpmLockfile;
  /** The packed Slipway (`npm pack`) when the spec's source is `tarball`. */
  readonly slipwayTarball?: string;
}

export interface BuildDockerImageDeps {
  readonly env: NodeJS.ProcessEnv;
  /** Where docker build's output goes. */
  readonly output: Writable;
}

export interface BuildDockerImageResult {
  readonly outDir: string;
  readonly files: string[];
  readonly modelBytes: number;
  readonly image: string;
  readonly built: boolean;
  readonly engine?: EngineStatus;
}

/** Writes the build context (Dockerfile, .dockerignore, runtime package, verified model copy), then maybe builds. */
export async function buildDockerImage(
  deps: BuildDockerImageDeps,
  input: BuildDockerImageInput,
): Promise<BuildDockerImageResult> {
  const { spec } = input;
  const realOut = await prepareOutDir(input.outDir);
  const paths = generateDockerContext({ spec, slipwayLock: input.slipwayLock }).map((file) => file.path);
  const tarballRel = spec.slipway.tarball === undefined ? [] : [`runtime/${spec.slipway.tarball}`];
  await refuseClobber(realOut, [...paths, contextModelDir(spec), ...tarballRel], input.force);
  const copied = await copyTarball(realOut, spec, input.slipwayTarball);
  const files = generateDockerContext({ spec, slipwayLock: input.slipwayLock, tarballIntegrity: copied?.integrity });
  const written = await writeGeneratedFiles(realOut, files, { force: true });
  if (copied !== undefined) written.push(copied.target);
  const modelBytes = await copyModelIntoContext(realOut, spec, input.modelFolder);
  const result = { outDir: realOut, files: written, modelBytes, image: imageReference(spec) };
  if (input.build === 'never') return { ...result, built: false };
  return { ...result, ...(await maybeBuild(deps, input.build, realOut, result.image)) };
}

async function maybeBuild(deps: BuildDockerImageDeps, mode: 'auto' | 'always', dir: string, image: string) {
  const engine = await dockerEngineStatus(deps.env);
  if (!engine.reachable) {
    if (mode === 'auto') return { built: false, engine };
    throw invalidParameter(`Cannot build ${image}: ${engine.reason}. The build context is written in ${dir}.`, {
      hint: `Start Docker (or set DOCKER_HOST), then run \`docker build --tag ${image} ${dir}\`, or leave out --build.`,
    });
  }
  await dockerBuild(deps.env, dir, image, deps.output);
  return { built: true, engine };
}

/**
 * Copies the packed Slipway into `runtime/`, computing its npm integrity (sha512) from the very bytes copied, so the
 * lockfile pins what the image installs.
 */
async function copyTarball(realOut: string, spec: DeploymentSpec, path: string | undefined) {
  const name = spec.slipway.tarball;
  if (name === undefined || path === undefined) {
    if (name !== path) throw invalidParameter('A Slipway tarball needs both the spec entry and its file.');
    return undefined;
  }
  if (basename(path) !== name) throw invalidParameter(`The Slipway tarball ${path} is not named ${name}.`);
  const target = await confinedTarget(realOut, `runtime/${name}`);
  await rm(target, { force: true });
  const hasher = hashThrough(createReadStream(path), { algorithm: 'sha512' });
  await writeStreamToFile(hasher, target, { mode: 0o644 });
  return { target, integrity: `sha512-${Buffer.from(hasher.result().hex, 'hex').toString('base64')}` };
}
