import { deleteRegisteredModel as storeDelete } from '../storage/metadata/registry/registered-models.js';
import { lockModel } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import type { RegistryDeps } from './types.js';

/**
 * Deletes a model with its versions, tags and aliases (as MLflow does). Its pinned trees are no longer kept by
 * garbage collection; its history stays in the audit log.
 */
export async function deleteRegisteredModel(deps: RegistryDeps, input: { readonly name: string }): Promise<void> {
  await deps.metadata.db.transaction().execute(async (trx) => {
    const row = await lockModel(trx, input.name, deps);
    const time = row.last_updated_time;
    await storeDelete(trx, row.model_id);
    await recordRegistryEvent(trx, deps, time, {
      kind: 'registered_model.deleted',
      model: row.name,
      details: { last_version: Number(row.last_version) },
    });
  });
}
