import { invalidParameter } from '../domain/errors.js';
import { readPinnedTree } from './pinned-tree.js';
import type { ResolvedModel } from './registry-client.js';
import { resolveModelUri } from './resolve-model-uri.js';
import type { RegistryDeps } from './types.js';

/** A `models:/…` URI's version with the files of its pinned tree (what `slipway models download` fetches). */
export async function resolveModel(
  deps: Pick<RegistryDeps, 'metadata' | 'objects'>,
  uri: string,
): Promise<ResolvedModel> {
  const resolved = await resolveModelUri(deps, uri);
  if (resolved.kind !== 'model-version') {
    throw invalidParameter('Only models:/ URIs name registered versions with pinned files.', {
      hint: 'Register the run first: slipway models register runs:/<run_id>/<path> --name <name>.',
    });
  }
  const files = await readPinnedTree(deps.objects, resolved.digest);
  return {
    name: resolved.name,
    version: String(resolved.version),
    semver: resolved.semver,
    digest: resolved.digest,
    files: files.map(({ path, digest, size }) => ({ path, digest, size })),
  };
}
