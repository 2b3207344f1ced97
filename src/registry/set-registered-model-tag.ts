import { upsertModelTag } from '../storage/metadata/registry/registry-tags.js';
import { checkTag } from '../tracking/validate.js';
import { REGISTRY_TAG_LIMITS } from './limits.js';
import { lockModel } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import type { RegistryDeps } from './types.js';

/** Sets (or overwrites) a tag on a registered model. */
export async function setRegisteredModelTag(
  deps: RegistryDeps,
  input: { readonly name: string; readonly key: string; readonly value: string },
): Promise<void> {
  const tag = { key: input.key, value: input.value };
  checkTag(tag, REGISTRY_TAG_LIMITS);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const row = await lockModel(trx, input.name, deps);
    const time = row.last_updated_time;
    const before = await upsertModelTag(trx, row.model_id, tag);
    await recordRegistryEvent(trx, deps, time, {
      kind: 'registered_model.tag_set',
      model: row.name,
      before,
      after: tag.value,
      details: { key: tag.key },
    });
  });
}
