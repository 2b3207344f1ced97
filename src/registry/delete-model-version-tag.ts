import { deleteVersionTag } from '../storage/metadata/registry/registry-tags.js';
import { checkKey } from '../tracking/validate.js';
import { REGISTRY_LIMITS } from './limits.js';
import { lockModel, requireVersion } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import { refuseSemverTag } from './semver-tag.js';
import type { RegistryDeps } from './types.js';

/** Deletes a version tag; deleting a tag the version does not have changes nothing and records nothing (as MLflow). */
export async function deleteModelVersionTag(
  deps: RegistryDeps,
  input: { readonly name: string; readonly version: string; readonly key: string },
): Promise<void> {
  checkKey('key', input.key, REGISTRY_LIMITS.tagKey);
  refuseSemverTag(input.key);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const model = await lockModel(trx, input.name, deps);
    const time = model.last_updated_time;
    const version = Number((await requireVersion(trx, model, input.version)).version);
    const before = await deleteVersionTag(trx, model.model_id, version, input.key);
    if (before === null) return;
    await recordRegistryEvent(trx, deps, time, {
      kind: 'model_version.tag_deleted',
      model: model.name,
      version,
      before,
      after: null,
      details: { key: input.key },
    });
  });
}
