import { alreadyExists } from '../domain/errors.js';
import { parseModelName } from '../domain/model-name.js';
import { insertRegisteredModel } from '../storage/metadata/registry/registered-models.js';
import { upsertModelTag } from '../storage/metadata/registry/registry-tags.js';
import { checkDescription, checkRegistryTags } from './limits.js';
import { clock, loadModel } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import type { RegisteredModel, RegistryDeps, Tag } from './types.js';

export interface CreateRegisteredModelInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly tags?: readonly Tag[] | undefined;
}

/**
 * Creates a registered model. RESOURCE_ALREADY_EXISTS when a model has the same name after Unicode (NFC) and
 * percent-decoding normalization: `caf%C3%A9` and `café` are one name.
 */
export async function createRegisteredModel(
  deps: RegistryDeps,
  input: CreateRegisteredModelInput,
): Promise<RegisteredModel> {
  const name = parseModelName(input.name);
  checkDescription('description', input.description);
  const tags = checkRegistryTags('tags', input.tags ?? []);
  const time = clock(deps);
  return deps.metadata.db.transaction().execute(async (trx) => {
    const row = await insertRegisteredModel(trx, {
      name: name.name,
      nameKey: name.key,
      description: input.description ?? null,
      time,
    });
    if (row === undefined) {
      throw alreadyExists(`Registered Model (name=${input.name}) already exists.`, {
        hint: 'Pick another name; names equal after Unicode normalization and percent-decoding are the same name.',
      });
    }
    for (const tag of tags) await upsertModelTag(trx, row.model_id, tag);
    await recordRegistryEvent(trx, deps, time, { kind: 'registered_model.created', model: row.name });
    return loadModel(trx, row);
  });
}
