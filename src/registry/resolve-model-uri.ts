import { artifactRootOf, runArtifactUri } from '../artifacts/run-artifact-root.js';
import { type ArtifactPath, joinArtifactPath, parseArtifactPath } from '../domain/artifact-path.js';
import { type Digest, parseDigest } from '../domain/digest.js';
import { invalidParameter, notFound } from '../domain/errors.js';
import { type ModelUri, parseModelUri } from '../domain/model-uri.js';
import { selectAlias } from '../storage/metadata/registry/aliases.js';
import { selectLatestVersion, selectVersionBySemver } from '../storage/metadata/registry/model-versions.js';
import type { ModelVersionRow, RegisteredModelRow } from '../storage/metadata/schema.js';
import type { Db } from '../storage/metadata/tracking/db.js';
import { selectRun } from '../storage/metadata/tracking/runs.js';
import { requireModel, requireVersion, versionNotFound } from './load-registry.js';
import { canonicalStage } from './stages.js';
import type { RegistryDeps } from './types.js';

/** What a model URI names: a registered version's pinned tree, or a folder of a run's artifacts. */
export type ResolvedModelUri =
  | {
      readonly kind: 'model-version';
      readonly name: string;
      readonly version: number;
      readonly semver: string;
      /** The pinned tree: serve exactly this, verified. */
      readonly digest: Digest;
    }
  | { readonly kind: 'run-artifacts'; readonly runId: string; readonly artifactPath: ArtifactPath };

/**
 * Resolves `models:/<name>/<version>`, `models:/<name>/<semver>`, `models:/<name>@<alias>`,
 * `models:/<name>/latest`, `models:/<name>/<stage>` to the version's pinned tree digest, and `runs:/<run>/<path>`
 * to the folder under the artifacts root. Unknown models, versions, aliases and runs are RESOURCE_DOES_NOT_EXIST.
 */
export async function resolveModelUri(deps: Pick<RegistryDeps, 'metadata'>, uri: string): Promise<ResolvedModelUri> {
  const parsed = parseModelUri(uri);
  const db = deps.metadata.db;
  if (parsed.kind === 'run') return resolveRun(db, parsed.runId, parsed.path);
  if (parsed.kind === 'folder' || parsed.kind === 'logged-model') {
    throw invalidParameter(`'${uri.slice(0, 200)}' is not a registry or run URI.`, {
      hint: 'Use models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/<semver> or runs:/<run_id>/<path>.',
    });
  }
  const model = await requireModel(db, parsed.name);
  const row = await findVersion(db, model, parsed);
  return {
    kind: 'model-version',
    name: model.name,
    version: Number(row.version),
    semver: row.semver,
    digest: parseDigest(row.tree_digest, 'tree_digest'),
  };
}

type ModelsUri = Exclude<ModelUri, { kind: 'run' | 'folder' | 'logged-model' }>;

async function findVersion(db: Db, model: RegisteredModelRow, uri: ModelsUri): Promise<ModelVersionRow> {
  if (uri.kind === 'version') return requireVersion(db, model, uri.version);
  if (uri.kind === 'alias') {
    const version = await selectAlias(db, model.model_id, uri.alias);
    if (version === null) throw notFound(`Registered model alias ${uri.alias} not found for model ${model.name}.`);
    return requireVersion(db, model, version);
  }
  const row =
    uri.kind === 'semver'
      ? await selectVersionBySemver(db, model.model_id, uri.semver)
      : await selectLatestVersion(db, model.model_id, uri.kind === 'stage' ? canonicalStage(uri.stage) : undefined);
  if (row === undefined) throw versionNotFound(model.name, uri.kind === 'semver' ? uri.semver : uri.kind);
  return row;
}

async function resolveRun(db: Db, runId: string, path: string): Promise<ResolvedModelUri> {
  const run = await selectRun(db, runId);
  if (run === undefined) throw notFound(`Run '${runId}' not found.`, { hint: 'Check the run id (slipway runs list).' });
  if (run.lifecycle_stage !== 'active') {
    throw invalidParameter(`Run '${runId}' is deleted.`, { hint: 'Restore it first (runs/restore).' });
  }
  const root = artifactRootOf(run.artifact_uri || runArtifactUri(run.experiment_id, runId));
  const sub = parseArtifactPath(path, { field: 'source', directory: true });
  return { kind: 'run-artifacts', runId, artifactPath: joinArtifactPath('source', root, sub) };
}
