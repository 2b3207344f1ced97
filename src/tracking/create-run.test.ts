import { expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { createRun } from './create-run.js';
import { deleteRun } from './delete-run.js';
import { deleteTag } from './delete-tag.js';
import { getRun } from './get-run.js';
import { logInputs } from './log-inputs.js';
import { logMetric } from './log-metric.js';
import { logModel } from './log-model.js';
import { restoreRun } from './restore-run.js';
import { setTag } from './set-tag.js';
import { updateRun } from './update-run.js';

const codeOf = (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof SlipwayError ? error.code : 'not a SlipwayError'),
  );

forEachDialect('run use cases', ({ open }) => {
  it('run lifecycle: create, update, tag, log, delete, restore', async () => {
    const deps = { metadata: await open(), now: () => 500 };
    const run = await createRun(deps, { userId: 'ann', tags: [{ key: 'a', value: '1' }] });
    expect(run.info).toEqual({
      runId: run.info.runId,
      runName: run.info.runName,
      experimentId: '0',
      userId: 'ann',
      status: 'RUNNING',
      startTime: 500,
      endTime: null,
      artifactUri: `mlflow-artifacts:/0/${run.info.runId}/artifacts`,
      lifecycleStage: 'active',
    });
    const { runId } = run.info;
    expect(await updateRun(deps, { runId, status: 'KILLED', endTime: 600, runName: 'x' })).toMatchObject({
      status: 'KILLED',
      endTime: 600,
      runName: 'x',
    });
    await setTag(deps, { runId, key: 'b', value: '2' });
    await deleteTag(deps, { runId, key: 'a' });
    await logMetric(deps, { runId, key: 'm', value: Number.NaN, timestamp: 1, step: 0 });
    await logInputs(deps, {
      runId,
      datasets: [{ tags: [], dataset: { name: 'd', digest: 'x', sourceType: 'local', source: 's' } }],
    });
    await logModel(deps, {
      runId,
      modelJson: JSON.stringify({ artifact_path: 'm', flavors: {}, utc_time_created: 't', run_id: runId }),
    });
    const read = await getRun(deps, { runId });
    expect(read.data.metrics).toEqual([{ key: 'm', value: Number.NaN, timestamp: 1, step: 0 }]);
    expect(read.data.tags.map((tag) => tag.key)).toEqual(['b', 'mlflow.log-model.history', 'mlflow.runName']);
    expect(read.inputs.datasetInputs).toEqual([
      { tags: [], dataset: { name: 'd', digest: 'x', sourceType: 'local', source: 's' } },
    ]);
    await deleteRun(deps, { runId });
    expect(await codeOf(setTag(deps, { runId, key: 'c', value: '3' }))).toBe('INVALID_PARAMETER_VALUE');
    await restoreRun(deps, { runId });
    await setTag(deps, { runId, key: 'c', value: '3' });
  });

  it('refuses bad run input with MLflow codes', async () => {
    const deps = { metadata: await open() };
    const { runId } = (await createRun(deps, {})).info;
    expect(await codeOf(createRun(deps, { experimentId: '5' }))).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(await codeOf(createRun(deps, { startTime: -1 }))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(createRun(deps, { userId: 'u'.repeat(257) }))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(getRun(deps, { runId: 'b'.repeat(32) }))).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(await codeOf(getRun(deps, { runId: '../etc' }))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(deleteTag(deps, { runId, key: 'none' }))).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(await codeOf(logModel(deps, { runId, modelJson: '{"__proto__": {}}' }))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(logMetric(deps, { runId, key: 'm', value: 1, timestamp: 1.5, step: 0 }))).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });
});
