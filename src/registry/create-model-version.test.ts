import { expect, it } from 'vitest';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { rejectsWithCode } from '../tracking/tracking-client.contract.js';
import { createModelVersion } from './create-model-version.js';
import { createRegisteredModel } from './create-registered-model.js';
import { getDownloadUri } from './get-download-uri.js';
import { openPinnedFile } from './open-pinned-file.js';
import { readPinnedTree } from './pinned-tree.js';
import { registryReferences } from './registry-references.js';
import { resolveModelUri } from './resolve-model-uri.js';
import { columns, mlmodel, registryFixture } from './testing/registry-fixture.js';

const text = async (body: AsyncIterable<unknown>) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const wineInputs = columns(['alcohol', 'double'], ['ph', 'double']);

forEachDialect('createModelVersion', (dialect) => {
  it('pins the source tree: later changes to the run do not change what the version serves', async () => {
    const f = await registryFixture(await dialect.open());
    await createRegisteredModel(f.deps, { name: 'wine' });
    const runId = await f.logRun({ MLmodel: mlmodel(wineInputs), 'model.onnx': 'weights-v1' });
    const v1 = await createModelVersion(f.deps, { name: 'wine', source: `runs:/${runId}/model` });
    expect(v1).toMatchObject({ name: 'wine', version: '1', semver: '1.0.0', runId, currentStage: 'None' });
    await f.overwrite(runId, 'model/model.onnx', 'weights-TAMPERED');
    const uri = await getDownloadUri(f.deps, { name: 'wine', version: '1' });
    const hex = v1.digest.slice('sha256:'.length);
    expect(uri).toBe(`mlflow-artifacts:/_slipway/trees/${hex}`);
    const file = await openPinnedFile(f.deps, hex, 'model.onnx');
    expect(await text(file.body)).toBe('weights-v1');
    const tree = await readPinnedTree(f.objects, v1.digest as `sha256:${string}`);
    expect(tree.map((entry) => entry.path)).toEqual(['MLmodel', 'model.onnx']);
    const pinned = [];
    for await (const digest of registryReferences(f.deps).digests()) pinned.push(digest);
    expect(pinned).toEqual([v1.digest]);
    expect(await resolveModelUri(f.deps, 'models:/wine/1.0.0')).toMatchObject({ version: 1, digest: v1.digest });
  });

  it('assigns PATCH for identical bytes, MINOR for a compatible change and MAJOR for a breaking one', async () => {
    const f = await registryFixture(await dialect.open());
    await createRegisteredModel(f.deps, { name: 'wine' });
    const register = async (files: Record<string, string>) => {
      const runId = await f.logRun(files);
      return (await createModelVersion(f.deps, { name: 'wine', source: `runs:/${runId}/model` })).semver;
    };
    const base = { MLmodel: mlmodel(wineInputs), 'model.onnx': 'w1' };
    expect(await register(base)).toBe('1.0.0');
    expect(await register(base)).toBe('1.0.1');
    expect(await register({ ...base, 'model.onnx': 'w2' })).toBe('1.1.0');
    const optional = JSON.stringify([...JSON.parse(wineInputs), { type: 'long', name: 'extra', required: false }]);
    expect(await register({ MLmodel: mlmodel(optional), 'model.onnx': 'w3' })).toBe('1.2.0');
    const retyped = columns(['alcohol', 'string'], ['ph', 'double']);
    expect(await register({ MLmodel: mlmodel(retyped), 'model.onnx': 'w4' })).toBe('2.0.0');
    const renamed = columns(['alcohol_pct', 'string'], ['ph', 'double']);
    expect(await register({ MLmodel: mlmodel(renamed), 'model.onnx': 'w5' })).toBe('3.0.0');
    const outputs = mlmodel(renamed, columns(['quality', 'long']));
    expect(await register({ MLmodel: outputs, 'model.onnx': 'w6' })).toBe('4.0.0');
    expect(await register({ 'model.onnx': 'w7' })).toBe('5.0.0');
  });

  it('takes an override from the field or the slipway.semver tag, and refuses one already used', async () => {
    const f = await registryFixture(await dialect.open());
    await createRegisteredModel(f.deps, { name: 'wine' });
    const runId = await f.logRun({ 'model.onnx': 'w' });
    const source = `runs:/${runId}/model`;
    const tagged = await createModelVersion(f.deps, {
      name: 'wine',
      source,
      tags: [{ key: 'slipway.semver', value: '3.1.4' }],
    });
    expect(tagged.semver).toBe('3.1.4');
    expect(tagged.tags).toEqual([]);
    await rejectsWithCode(
      createModelVersion(f.deps, { name: 'wine', source, semver: '3.1.4' }),
      'RESOURCE_ALREADY_EXISTS',
    );
    await rejectsWithCode(
      createModelVersion(f.deps, { name: 'wine', source, semver: 'v1' }),
      'INVALID_PARAMETER_VALUE',
    );
    expect((await createModelVersion(f.deps, { name: 'wine', source })).semver).toBe('3.1.5');
    expect((await createModelVersion(f.deps, { name: 'wine', source })).version).toBe('3');
  });

  it('refuses sources outside the server (CVE-2023-1177 family) and leaves the store unchanged', async () => {
    const f = await registryFixture(await dialect.open());
    await createRegisteredModel(f.deps, { name: 'x' });
    const sources = [
      'file:///etc',
      '/etc/passwd',
      'etc/passwd',
      '//proc/self/root',
      'http://attacker/api/2.0/mlflow-artifacts/artifacts/',
      'https://example.com/m',
      'ftp://attacker/a',
      's3://bucket/model',
      '%66ile:///etc',
      'file%3A%2F%2F%2Fetc',
      'mlflow-artifacts://attacker/0/r/artifacts',
      'mlflow-artifacts:/%2F%2Fattacker/x',
      'mlflow-artifacts:/0/../../etc',
      'mlflow-artifacts:/0/%252e%252e/%252e%252e/etc',
      'mlflow-artifacts:/0/a\\..\\..\\etc',
      'mlflow-artifacts:/0/x#/../../etc',
      'mlflow-artifacts:/',
      'runs:/../../etc',
      'models:/../x/1',
    ];
    for (const source of sources) {
      const error = await rejectsWithCode(createModelVersion(f.deps, { name: 'x', source }), 'INVALID_PARAMETER_VALUE');
      expect(error.message, source).not.toContain('Internal');
    }
    const runId = await f.logRun({ 'model.onnx': 'w' });
    await rejectsWithCode(
      createModelVersion(f.deps, { name: 'x', source: `runs:/${runId}/nothing-here` }),
      'INVALID_PARAMETER_VALUE',
    );
    await rejectsWithCode(
      createModelVersion(f.deps, { name: 'x', source: `runs:/${'0'.repeat(32)}/m` }),
      'RESOURCE_DOES_NOT_EXIST',
    );
    const rows = await f.deps.metadata.db.selectFrom('model_versions').selectAll().execute();
    expect(rows).toEqual([]);
    const counter = await f.deps.metadata.db.selectFrom('registered_models').select('last_version').executeTakeFirst();
    expect(Number(counter?.last_version)).toBe(0);
  });

  it('accepts mlflow-artifacts:/ and models:/ sources of this server', async () => {
    const f = await registryFixture(await dialect.open());
    await createRegisteredModel(f.deps, { name: 'wine' });
    await createRegisteredModel(f.deps, { name: 'copy' });
    const runId = await f.logRun({ 'model.onnx': 'w' });
    const run = await f.deps.metadata.db.selectFrom('runs').selectAll().executeTakeFirstOrThrow();
    const source = `${run.artifact_uri}/model`;
    const v1 = await createModelVersion(f.deps, { name: 'wine', source, runId });
    expect(v1.runId).toBe(runId);
    const copy = await createModelVersion(f.deps, { name: 'copy', source: 'models:/wine/1' });
    expect(copy.digest).toBe(v1.digest);
    await rejectsWithCode(
      createModelVersion(f.deps, { name: 'copy', source: 'models:/wine/9' }),
      'RESOURCE_DOES_NOT_EXIST',
    );
    await rejectsWithCode(createModelVersion(f.deps, { name: 'nope', source }), 'RESOURCE_DOES_NOT_EXIST');
  });
});
