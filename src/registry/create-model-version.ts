import { alreadyExists, invalidParameter } from '../domain/errors.js';
import { parseModelName } from '../domain/model-name.js';
import { highestSemver, nextSemver, parseSemverOverride, semverBump } from '../domain/model-semver.js';
import type { ModelSignature } from '../domain/model-signature.js';
import { insertModelVersion, selectLatestVersion, selectSemvers } from '../storage/metadata/registry/model-versions.js';
import { insertPinnedFiles } from '../storage/metadata/registry/pinned-files.js';
import { takeNextVersion } from '../storage/metadata/registry/registered-models.js';
import { upsertVersionTag } from '../storage/metadata/registry/registry-tags.js';
import type { ModelVersionRow } from '../storage/metadata/schema.js';
import type { Db } from '../storage/metadata/tracking/db.js';
import { checkLength } from '../tracking/validate.js';
import { checkDescription, checkRegistryTags, REGISTRY_LIMITS } from './limits.js';
import { loadVersion, lockModel, requireModel } from './load-registry.js';
import { type PinnedSource, pinSource } from './pin-source.js';
import { pinnedFolder } from './pinned-tree.js';
import { actorOf, recordRegistryEvent } from './record-registry-event.js';
import { DIGEST_TAG, type ModelVersion, type RegistryDeps, SEMVER_TAG, type Tag } from './types.js';

export interface CreateModelVersionInput {
  readonly name: string;
  /** `runs:/<run>/<path>`, `mlflow-artifacts:/<path>` or `models:/<name>/<version>` of this server. */
  readonly source: string;
  readonly runId?: string | undefined;
  readonly runLink?: string | undefined;
  readonly description?: string | undefined;
  readonly tags?: readonly Tag[] | undefined;
  /** Overrides the automatic semantic version (also settable as the `slipway.semver` tag). */
  readonly semver?: string | undefined;
}

/** The semver override from the field or the tag (they must agree), and the other tags. */
function splitSemver(input: CreateModelVersionInput): { semver: string | undefined; tags: Tag[] } {
  const tags = checkRegistryTags('tags', input.tags ?? []);
  const tagged = tags.find((tag) => tag.key === SEMVER_TAG)?.value;
  if (tagged !== undefined && input.semver !== undefined && tagged !== input.semver) {
    throw invalidParameter(`The '${SEMVER_TAG}' tag (${tagged}) and the semver field (${input.semver}) disagree.`);
  }
  const text = input.semver ?? tagged;
  return {
    semver: text === undefined ? undefined : parseSemverOverride(text),
    tags: tags.filter((tag) => tag.key !== SEMVER_TAG && tag.key !== DIGEST_TAG),
  };
}

/**
 * Registers a new version: pins the source's tree (stored in the object store before the transaction), then,
 * with the model row locked, takes the next number from the model's counter (unique, gap-free), assigns the
 * semantic version from the previous version, lists the pinned files for the artifact proxy, and records
 * `model_version.created`, all in one transaction.
 */
export async function createModelVersion(deps: RegistryDeps, input: CreateModelVersionInput): Promise<ModelVersion> {
  const name = parseModelName(input.name);
  checkDescription('description', input.description);
  if (input.runLink !== undefined) checkLength('run_link', input.runLink, REGISTRY_LIMITS.runLink);
  const { semver, tags } = splitSemver(input);
  await requireModel(deps.metadata.db, name.name);
  const pinned = await pinSource(deps, input.source, input.runId);
  return deps.metadata.db.transaction().execute(async (trx) => {
    const model = await lockModel(trx, name.name, deps);
    const time = model.last_updated_time;
    const version = await takeNextVersion(trx, model.model_id);
    const assigned = await assignSemver(trx, model.model_id, pinned, semver);
    await insertPinnedFiles(trx, pinnedFolder(pinned.digest), pinned.entries, time);
    const row = await insertModelVersion(trx, {
      modelId: model.model_id,
      version,
      time,
      userId: actorOf(deps),
      description: input.description ?? null,
      source: input.source,
      runId: pinned.runId,
      runLink: input.runLink || null,
      treeDigest: pinned.digest,
      semver: assigned,
      signature: pinned.signature === null ? null : JSON.stringify(pinned.signature),
    });
    for (const tag of tags) await upsertVersionTag(trx, model.model_id, version, tag);
    await recordCreated(trx, deps, time, model.name, row);
    return loadVersion(trx, model, row);
  });
}

/** The override (if free) or the automatic semantic version, from the model's previous live version. */
async function assignSemver(trx: Db, modelId: number, pinned: PinnedSource, override: string | undefined) {
  const used = await selectSemvers(trx, modelId);
  if (override !== undefined) {
    if (used.includes(override)) {
      throw alreadyExists(`Semantic version ${override} is already used by a version of this model.`, {
        hint: 'Pick another semantic version, or leave it out to get the next one automatically.',
      });
    }
    return override;
  }
  const previous = await selectLatestVersion(trx, modelId);
  const highest = highestSemver(used);
  if (previous === undefined) return nextSemver(highest, 'major');
  const shape = { digest: previous.tree_digest, signature: storedSignature(previous) };
  return nextSemver(highest, semverBump(shape, { digest: pinned.digest, signature: pinned.signature }));
}

const storedSignature = (row: ModelVersionRow): ModelSignature | null =>
  row.signature === null ? null : (JSON.parse(row.signature) as ModelSignature);

async function recordCreated(trx: Db, deps: RegistryDeps, time: number, model: string, row: ModelVersionRow) {
  await recordRegistryEvent(trx, deps, time, {
    kind: 'model_version.created',
    model,
    version: Number(row.version),
    before: null,
    after: String(row.version),
    details: { semver: row.semver, digest: row.tree_digest, source: row.source, run_id: row.run_id },
  });
}
