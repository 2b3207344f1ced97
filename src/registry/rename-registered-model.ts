import { alreadyExists, invalidParameter } from '../domain/errors.js';
import { parseModelName } from '../domain/model-name.js';
import { nameKeyTaken, updateRegisteredModel } from '../storage/metadata/registry/registered-models.js';
import { loadModel, lockModel } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import type { RegisteredModel, RegistryDeps } from './types.js';

/** Renames a model (its versions, tags and aliases follow). RESOURCE_ALREADY_EXISTS when the new name is taken. */
export async function renameRegisteredModel(
  deps: RegistryDeps,
  input: { readonly name: string; readonly newName?: string | undefined },
): Promise<RegisteredModel> {
  if (input.newName === undefined) throw invalidParameter("Missing value for required parameter 'new_name'.");
  const next = parseModelName(input.newName, 'new_name');
  return deps.metadata.db.transaction().execute(async (trx) => {
    const row = await lockModel(trx, input.name, deps);
    const time = row.last_updated_time;
    if (await nameKeyTaken(trx, next.key, row.model_id)) {
      throw alreadyExists(`Registered Model (name=${next.name}) already exists.`, { hint: 'Pick another name.' });
    }
    await updateRegisteredModel(trx, row.model_id, { name: next.name, nameKey: next.key });
    await recordRegistryEvent(trx, deps, time, {
      kind: 'registered_model.renamed',
      model: next.name,
      before: row.name,
      after: next.name,
    });
    return loadModel(trx, { ...row, name: next.name, name_key: next.key });
  });
}
