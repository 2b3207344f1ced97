import { upsertVersionTag } from '../storage/metadata/registry/registry-tags.js';
import { checkTag } from '../tracking/validate.js';
import { REGISTRY_TAG_LIMITS } from './limits.js';
import { lockModel, requireVersion } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import { refuseSemverTag } from './semver-tag.js';
import type { RegistryDeps } from './types.js';

/** Sets (or overwrites) a tag on a live model version. The `slipway.semver` tag is read-only. */
export async function setModelVersionTag(
  deps: RegistryDeps,
  input: { readonly name: string; readonly version: string; readonly key: string; readonly value: string },
): Promise<void> {
  const tag = { key: input.key, value: input.value };
  checkTag(tag, REGISTRY_TAG_LIMITS);
  refuseSemverTag(tag.key);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const model = await lockModel(trx, input.name, deps);
    const time = model.last_updated_time;
    const version = Number((await requireVersion(trx, model, input.version)).version);
    const before = await upsertVersionTag(trx, model.model_id, version, tag);
    await recordRegistryEvent(trx, deps, time, {
      kind: 'model_version.tag_set',
      model: model.name,
      version,
      before,
      after: tag.value,
      details: { key: tag.key },
    });
  });
}
