import { deleteModelTag } from '../storage/metadata/registry/registry-tags.js';
import { checkKey } from '../tracking/validate.js';
import { REGISTRY_LIMITS } from './limits.js';
import { lockModel } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import type { RegistryDeps } from './types.js';

/** Deletes a model tag; deleting a tag the model does not have changes nothing and records nothing (as MLflow). */
export async function deleteRegisteredModelTag(
  deps: RegistryDeps,
  input: { readonly name: string; readonly key: string },
): Promise<void> {
  checkKey('key', input.key, REGISTRY_LIMITS.tagKey);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const row = await lockModel(trx, input.name, deps);
    const time = row.last_updated_time;
    const before = await deleteModelTag(trx, row.model_id, input.key);
    if (before === null) return;
    await recordRegistryEvent(trx, deps, time, {
      kind: 'registered_model.tag_deleted',
      model: row.name,
      before,
      after: null,
      details: { key: input.key },
    });
  });
}
