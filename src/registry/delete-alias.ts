import { checkAliasName } from '../domain/model-name.js';
import { deleteAlias as storeDelete } from '../storage/metadata/registry/aliases.js';
import { lockModel } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import type { RegistryDeps } from './types.js';

/** Removes an alias. Removing one the model does not have changes nothing and records nothing (as MLflow). */
export async function deleteAlias(deps: RegistryDeps, input: { readonly name: string; readonly alias: string }) {
  checkAliasName(input.alias);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const model = await lockModel(trx, input.name, deps);
    const time = model.last_updated_time;
    const before = await storeDelete(trx, model.model_id, input.alias);
    if (before === null) return;
    await recordRegistryEvent(trx, deps, time, {
      kind: 'alias.deleted',
      model: model.name,
      alias: input.alias,
      version: before,
      before: String(before),
      after: null,
    });
  });
}
