import { notFound } from '../domain/errors.js';
import { deleteRunTag } from '../storage/metadata/tracking/tags.js';
import { requireActiveRun } from './load-entities.js';
import type { TrackingDeps } from './types.js';
import { quote } from './validate.js';

/** Deletes a tag of an active run; RESOURCE_DOES_NOT_EXIST when the run has no such tag. */
export async function deleteTag(
  deps: TrackingDeps,
  input: { readonly runId: string; readonly key: string },
): Promise<void> {
  await deps.metadata.db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, input.runId);
    if (!(await deleteRunTag(trx, input.runId, input.key))) {
      throw notFound(`No tag with name: ${quote(input.key)} in run with id ${input.runId}`, {
        hint: 'runs/get lists the run tags.',
      });
    }
  });
}
