import { updateRegisteredModel as storeUpdate } from '../storage/metadata/registry/registered-models.js';
import { checkDescription } from './limits.js';
import { loadModel, lockModel } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import type { RegisteredModel, RegistryDeps } from './types.js';

/** Sets a model's description (its Markdown model card); an absent description clears it, as in MLflow. */
export async function updateRegisteredModel(
  deps: RegistryDeps,
  input: { readonly name: string; readonly description?: string | undefined },
): Promise<RegisteredModel> {
  checkDescription('description', input.description);
  return deps.metadata.db.transaction().execute(async (trx) => {
    const row = await lockModel(trx, input.name, deps);
    const time = row.last_updated_time;
    const description = input.description ?? null;
    await storeUpdate(trx, row.model_id, { description });
    await recordRegistryEvent(trx, deps, time, {
      kind: 'registered_model.updated',
      model: row.name,
      before: row.description,
      after: description,
    });
    return loadModel(trx, { ...row, description });
  });
}
