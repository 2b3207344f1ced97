import { expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { createExperiment } from './create-experiment.js';
import { createRun } from './create-run.js';
import { deleteExperiment } from './delete-experiment.js';
import { getExperiment } from './get-experiment.js';
import { getExperimentByName } from './get-experiment-by-name.js';
import { getRun } from './get-run.js';
import { renameExperiment } from './rename-experiment.js';
import { restoreExperiment } from './restore-experiment.js';
import { setExperimentTag } from './set-experiment-tag.js';

const codeOf = (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof SlipwayError ? error.code : 'not a SlipwayError'),
  );

forEachDialect('experiment use cases', ({ open, freshUri }) => {
  it('create, get, get by name, rename, tag, delete and restore', async () => {
    const deps = { metadata: await open(), now: () => 42 };
    const { experimentId } = await createExperiment(deps, { name: 'wine', tags: [{ key: 'a', value: '1' }] });
    expect(await getExperiment(deps, { experimentId })).toEqual({
      experimentId,
      name: 'wine',
      artifactLocation: `mlflow-artifacts:/${experimentId}`,
      lifecycleStage: 'active',
      creationTime: 42,
      lastUpdateTime: 42,
      tags: [{ key: 'a', value: '1' }],
    });
    await renameExperiment({ ...deps, now: () => 43 }, { experimentId, newName: 'red' });
    await setExperimentTag(deps, { experimentId, key: 'a', value: '2' });
    expect(await getExperimentByName(deps, { name: 'red' })).toMatchObject({
      lastUpdateTime: 43,
      tags: [{ key: 'a', value: '2' }],
    });
    const run = await createRun(deps, { experimentId });
    await deleteExperiment(deps, { experimentId });
    expect((await getRun(deps, { runId: run.info.runId })).info.lifecycleStage).toBe('deleted');
    expect(await codeOf(createRun(deps, { experimentId }))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(createExperiment(deps, { name: 'red' }))).toBe('RESOURCE_ALREADY_EXISTS');
    await restoreExperiment(deps, { experimentId });
    expect((await getRun(deps, { runId: run.info.runId })).info.lifecycleStage).toBe('active');
  });

  it('has the default experiment on a fresh file or schema, and ids are strings of integers', async () => {
    const { openMetadata } = await import('../storage/metadata/open-metadata.js');
    const metadata = await openMetadata(await freshUri());
    try {
      const deps = { metadata };
      expect(await getExperiment(deps, { experimentId: '0' })).toMatchObject({ name: 'Default', experimentId: '0' });
      const { experimentId } = await createExperiment(deps, { name: 'next' });
      expect(experimentId).toMatch(/^[1-9]\d*$/);
    } finally {
      await metadata.close();
    }
  });

  it('reports missing experiments and bad input with MLflow codes', async () => {
    const deps = { metadata: await open() };
    expect(await codeOf(getExperiment(deps, { experimentId: '7' }))).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(await codeOf(getExperiment(deps, { experimentId: '00' }))).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(await codeOf(getExperiment(deps, { experimentId: '99999999999999999999' }))).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(await codeOf(getExperiment(deps, { experimentId: '' }))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(getExperimentByName(deps, { name: 'none' }))).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(await codeOf(createExperiment(deps, { name: '' }))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(createExperiment(deps, { name: 'x', artifactLocation: '/tmp/x' }))).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect(await codeOf(renameExperiment(deps, { experimentId: '0' }))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(restoreExperiment(deps, { experimentId: '0' }))).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
