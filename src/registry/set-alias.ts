import { checkAliasName } from '../domain/model-name.js';
import { upsertAlias } from '../storage/metadata/registry/aliases.js';
import { lockModel, requireVersion } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import type { RegistryDeps } from './types.js';

/**
 * Points an alias at a live version of the model, creating or moving it. Writers of one model are serialized by
 * the model row lock, so two clients moving the same alias at once both succeed, both events are recorded with
 * the right `before`, and the alias ends on the version of the one that committed last.
 */
export async function setAlias(
  deps: RegistryDeps,
  input: { readonly name: string; readonly alias: string; readonly version: string },
): Promise<void> {
  checkAliasName(input.alias);
  await deps.metadata.db.transaction().execute(async (trx) => {
    const model = await lockModel(trx, input.name, deps);
    const time = model.last_updated_time;
    const version = Number((await requireVersion(trx, model, input.version)).version);
    const before = await upsertAlias(trx, model.model_id, input.alias, version);
    await recordRegistryEvent(trx, deps, time, {
      kind: 'alias.set',
      model: model.name,
      alias: input.alias,
      version,
      before: before === null ? null : String(before),
      after: String(version),
    });
  });
}
