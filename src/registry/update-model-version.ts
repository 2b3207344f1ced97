import { updateModelVersion as storeUpdate } from '../storage/metadata/registry/model-versions.js';
import { checkDescription } from './limits.js';
import { loadVersion, lockModel, requireVersion } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import type { ModelVersion, RegistryDeps } from './types.js';

/** Sets a version's description; its pinned tree never changes. */
export async function updateModelVersion(
  deps: RegistryDeps,
  input: { readonly name: string; readonly version: string; readonly description?: string | undefined },
): Promise<ModelVersion> {
  checkDescription('description', input.description);
  return deps.metadata.db.transaction().execute(async (trx) => {
    const model = await lockModel(trx, input.name, deps);
    const time = model.last_updated_time;
    const row = await requireVersion(trx, model, input.version);
    const description = input.description ?? null;
    await storeUpdate(trx, model.model_id, Number(row.version), { description, time });
    await recordRegistryEvent(trx, deps, time, {
      kind: 'model_version.updated',
      model: model.name,
      version: Number(row.version),
      before: row.description,
      after: description,
    });
    return loadVersion(trx, model, { ...row, description, last_updated_time: time });
  });
}
