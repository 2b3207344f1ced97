import { selectLiveVersions, updateModelVersion } from '../storage/metadata/registry/model-versions.js';
import type { RegisteredModelRow } from '../storage/metadata/schema.js';
import type { Db } from '../storage/metadata/tracking/db.js';
import { loadVersion, lockModel, requireVersion } from './load-registry.js';
import { recordRegistryEvent } from './record-registry-event.js';
import { canonicalStage } from './stages.js';
import type { ModelVersion, RegistryDeps } from './types.js';

export interface TransitionStageInput {
  readonly name: string;
  readonly version: string;
  readonly stage: string;
  /** Moves the other versions in Staging or Production to Archived (each transition recorded). */
  readonly archiveExistingVersions?: boolean | undefined;
}

/** MLflow's transition-stage (deprecated upstream in favour of aliases, kept for compatibility). */
export async function transitionStage(deps: RegistryDeps, input: TransitionStageInput): Promise<ModelVersion> {
  const stage = canonicalStage(input.stage);
  return deps.metadata.db.transaction().execute(async (trx) => {
    const model = await lockModel(trx, input.name, deps);
    const time = model.last_updated_time;
    const row = await requireVersion(trx, model, input.version);
    const archive = input.archiveExistingVersions === true && (stage === 'Staging' || stage === 'Production');
    if (archive) await archiveOthers(trx, deps, time, model, Number(row.version), stage);
    await move(trx, deps, time, model, Number(row.version), row.current_stage, stage);
    return loadVersion(trx, model, { ...row, current_stage: stage, last_updated_time: time });
  });
}

async function archiveOthers(
  trx: Db,
  deps: RegistryDeps,
  time: number,
  model: RegisteredModelRow,
  keep: number,
  stage: string,
) {
  const others = (await selectLiveVersions(trx, [model.model_id])).filter(
    (row) => row.current_stage === stage && Number(row.version) !== keep,
  );
  for (const other of others) await move(trx, deps, time, model, Number(other.version), stage, 'Archived');
}

async function move(
  trx: Db,
  deps: RegistryDeps,
  time: number,
  model: RegisteredModelRow,
  version: number,
  before: string,
  after: string,
) {
  await updateModelVersion(trx, model.model_id, version, { currentStage: after, time });
  await recordRegistryEvent(trx, deps, time, { kind: 'stage.transitioned', model: model.name, version, before, after });
}
