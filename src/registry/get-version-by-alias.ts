import { invalidParameter } from '../domain/errors.js';
import { checkAliasName } from '../domain/model-name.js';
import { selectAlias } from '../storage/metadata/registry/aliases.js';
import { loadVersion, requireModel, requireVersion } from './load-registry.js';
import type { ModelVersion, RegistryDeps } from './types.js';

/** The version an alias points to. An unknown alias is INVALID_PARAMETER_VALUE (400), as in MLflow. */
export async function getVersionByAlias(
  deps: Pick<RegistryDeps, 'metadata'>,
  input: { readonly name: string; readonly alias: string },
): Promise<ModelVersion> {
  checkAliasName(input.alias);
  const db = deps.metadata.db;
  const model = await requireModel(db, input.name);
  const version = await selectAlias(db, model.model_id, input.alias);
  if (version === null) {
    throw invalidParameter(`Registered model alias ${input.alias} not found.`, {
      hint: `Set it with \`slipway models alias ${model.name} ${input.alias} <version>\`.`,
    });
  }
  return loadVersion(db, model, await requireVersion(db, model, version));
}
