import { selectLatestVersion } from '../storage/metadata/registry/model-versions.js';
import { loadVersions, requireModel } from './load-registry.js';
import { canonicalStage } from './stages.js';
import { type ModelVersion, type RegistryDeps, STAGES } from './types.js';

/** The latest live version in each of the stages (all stages when none are given), as MLflow's get-latest-versions. */
export async function getLatestVersions(
  deps: Pick<RegistryDeps, 'metadata'>,
  input: { readonly name: string; readonly stages?: readonly string[] | undefined },
): Promise<ModelVersion[]> {
  const db = deps.metadata.db;
  const stages = [...new Set((input.stages ?? []).length > 0 ? (input.stages ?? []).map(canonicalStage) : STAGES)];
  const model = await requireModel(db, input.name);
  const rows = [];
  for (const stage of stages) {
    const row = await selectLatestVersion(db, model.model_id, stage);
    if (row !== undefined) rows.push(row);
  }
  return loadVersions(db, rows, new Map([[model.model_id, model.name]]));
}
