import { deleteVersionAliases } from '../storage/metadata/registry/aliases.js';
import { markModelVersionDeleted } from '../storage/metadata/registry/model-versions.js';
import { lockModel, requireVersion } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import type { RegistryDeps } from './types.js';

/**
 * Deletes a version: it disappears from every API, the aliases pointing at it are removed (each recorded as
 * `alias.deleted`), and its number and semantic version are never reused.
 */
export async function deleteModelVersion(
  deps: RegistryDeps,
  input: { readonly name: string; readonly version: string },
): Promise<void> {
  await deps.metadata.db.transaction().execute(async (trx) => {
    const model = await lockModel(trx, input.name, deps);
    const time = model.last_updated_time;
    const row = await requireVersion(trx, model, input.version);
    const version = Number(row.version);
    for (const alias of await deleteVersionAliases(trx, model.model_id, version)) {
      await recordRegistryEvent(trx, deps, time, {
        kind: 'alias.deleted',
        model: model.name,
        alias,
        version,
        before: String(version),
        after: null,
      });
    }
    await markModelVersionDeleted(trx, model.model_id, version, time);
    await recordRegistryEvent(trx, deps, time, {
      kind: 'model_version.deleted',
      model: model.name,
      version,
      before: String(version),
      after: null,
      details: { semver: row.semver, digest: row.tree_digest },
    });
  });
}
