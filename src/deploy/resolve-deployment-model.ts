import { basename, resolve } from 'node:path';
import type { Digest } from '../domain/digest.js';
import { invalidParameter } from '../domain/errors.js';
import { folderTree } from './folder-tree.js';

/** A model pinned for deployment: who it is and the digest of its tree, and a folder holding exactly that tree. */
export interface DeploymentModel {
  readonly name: string;
  readonly version: string;
  readonly semver: string;
  readonly digest: Digest;
  /** A local folder whose tree digest is `digest` (the cache copy for a registry model). */
  readonly folder: string;
  /** What the user named: a folder or a model URI. */
  readonly uri: string;
}

/** Resolves a registry URI (`models:/name/3`, `models:/name@alias`, `runs:/…`) to a pinned model. */
export type ModelUriResolver = (uri: string) => Promise<DeploymentModel>;

export interface ResolveDeploymentModelDeps {
  /** The registry's resolver; plugged in by the composition root once the registry exists. */
  readonly resolveUri?: ModelUriResolver;
  readonly cwd: string;
}

/** What the user may say about a model given as a folder (a registry model knows its own). */
export interface FolderModelOptions {
  readonly name?: string;
  readonly version?: string;
  readonly semver?: string;
}

const URI_SCHEME = /^[a-z][a-z0-9+.-]*:\//i;

/**
 * The seam between deployment targets and the model registry: a URI goes to the registry resolver, anything else
 * is a local model folder, pinned by hashing its tree now.
 */
export async function resolveDeploymentModel(
  deps: ResolveDeploymentModelDeps,
  uri: string,
  options: FolderModelOptions = {},
): Promise<DeploymentModel> {
  if (URI_SCHEME.test(uri)) {
    if (deps.resolveUri === undefined) {
      throw invalidParameter(`Cannot resolve ${uri}: model URIs need the model registry, not wired into this build.`, {
        hint: 'Pass the model folder instead (the folder holding the MLmodel file).',
      });
    }
    return deps.resolveUri(uri);
  }
  return resolveFolderModel(resolve(deps.cwd, uri), uri, options);
}

async function resolveFolderModel(folder: string, uri: string, options: FolderModelOptions): Promise<DeploymentModel> {
  const tree = await folderTree(folder);
  return {
    name: options.name ?? kubernetesName(basename(folder)),
    version: options.version ?? 'local',
    semver: options.semver ?? '0.0.0',
    digest: tree.digest,
    folder,
    uri,
  };
}

/** A folder name made a Kubernetes name: lowercase, runs of other characters as `-`, a letter first, ≤ 40 characters. */
export function kubernetesName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '');
  const lettered = /^[a-z]/.test(name) ? name : `model-${name}`;
  return lettered.slice(0, 40).replace(/-+$/, '');
}
