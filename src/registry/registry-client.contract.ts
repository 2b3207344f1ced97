import { afterEach, describe, expect, it } from 'vitest';
import { rejectsWithCode } from '../tracking/tracking-client.contract.js';
import type { RegistryClient } from './registry-client.js';

/** What a contract test gets: a client on an empty store, a way to log a run's model files, and cleanup. */
export interface RegistryClientUnderTest {
  readonly client: RegistryClient;
  /** Logs files under `model/` of a new run; returns the run id. */
  logModel(files: Readonly<Record<string, string>>): Promise<string>;
  close(): Promise<void>;
}

const read = async (stream: AsyncIterable<unknown>) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** The suite every RegistryClient passes (SQL on each dialect, HTTP against a real server). */
export function describeRegistryClient(name: string, make: () => Promise<RegistryClientUnderTest>): void {
  describe(`RegistryClient contract: ${name}`, () => {
    const opened: RegistryClientUnderTest[] = [];
    afterEach(async () => {
      for (const entry of opened.splice(0)) await entry.close();
    });
    const open = async () => {
      const entry = await make();
      opened.push(entry);
      return entry;
    };

    it('registers, versions, aliases, resolves and downloads exactly the pinned files', async () => {
      const { client, logModel } = await open();
      const runId = await logModel({ MLmodel: 'flavors: {}\n', 'model.onnx': 'w1' });
      const model = await client.createRegisteredModel({
        name: 'wine',
        description: '# card',
        tags: [{ key: 't', value: 'v' }],
      });
      expect(model).toMatchObject({ name: 'wine', description: '# card', tags: [{ key: 't', value: 'v' }] });
      const v1 = await client.createModelVersion({ name: 'wine', source: `runs:/${runId}/model` });
      expect(v1).toMatchObject({ name: 'wine', version: '1', semver: '1.0.0', runId, tags: [] });
      expect(v1.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const v2 = await client.createModelVersion({ name: 'wine', source: `runs:/${runId}/model`, semver: '2.0.0' });
      expect(v2.semver).toBe('2.0.0');
      await client.setAlias('wine', 'production', '1');
      expect((await client.getVersionByAlias('wine', 'production')).aliases).toEqual(['production']);
      const resolved = await client.resolveModel('models:/wine@production');
      expect(resolved).toMatchObject({ name: 'wine', version: '1', semver: '1.0.0', digest: v1.digest });
      expect(resolved.files.map((file) => file.path)).toEqual(['MLmodel', 'model.onnx']);
      expect(await read(await client.openModelFile(resolved, 'model.onnx'))).toBe('w1');
      expect((await client.resolveModel('models:/wine/2.0.0')).version).toBe('2');
      const found = await client.searchModelVersions({ filter: "name = 'wine'", maxResults: 1 });
      expect(found.items.map((v) => v.version)).toEqual(['2']);
      const next = await client.searchModelVersions({
        filter: "name = 'wine'",
        maxResults: 1,
        pageToken: found.nextPageToken,
      });
      expect(next.items.map((v) => v.version)).toEqual(['1']);
    });

    it('keeps the audit trail and answers point-in-time alias questions', async () => {
      const { client, logModel } = await open();
      const runId = await logModel({ 'model.onnx': 'w' });
      await client.createRegisteredModel({ name: 'wine' });
      await client.createModelVersion({ name: 'wine', source: `runs:/${runId}/model` });
      await client.setAlias('wine', 'staging', '1');
      const history = await client.listHistory({ name: 'wine', maxResults: 1 });
      expect(history.items[0]).toMatchObject({
        kind: 'alias.set',
        payload: { model: 'wine', alias: 'staging', after: '1' },
      });
      const at = history.items[0]?.time ?? 0;
      expect((await client.getAliasAt('wine', 'staging', at)).version).toBe('1');
      expect((await client.getAliasAt('wine', 'staging', at - 1)).version).toBeNull();
      await client.deleteAlias('wine', 'staging');
      await client.deleteModelVersion('wine', '1');
      const rest = await client.listHistory({ name: 'wine', maxResults: 10 });
      expect(rest.items.slice(0, 2).map((e) => e.kind)).toEqual(['model_version.deleted', 'alias.deleted']);
      await client.deleteRegisteredModel('wine');
      await rejectsWithCode(client.getRegisteredModel('wine'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('reports errors with their codes', async () => {
      const { client } = await open();
      await client.createRegisteredModel({ name: 'café' });
      await rejectsWithCode(client.createRegisteredModel({ name: 'caf%C3%A9' }), 'RESOURCE_ALREADY_EXISTS');
      await rejectsWithCode(client.getModelVersion('café', '1'), 'RESOURCE_DOES_NOT_EXIST');
      await rejectsWithCode(client.getVersionByAlias('café', 'prod'), 'INVALID_PARAMETER_VALUE');
      await rejectsWithCode(
        client.createModelVersion({ name: 'café', source: 'file:///etc' }),
        'INVALID_PARAMETER_VALUE',
      );
      await rejectsWithCode(client.resolveModel('models:/nope/1'), 'RESOURCE_DOES_NOT_EXIST');
      const all = await client.searchRegisteredModels({});
      expect(all.items.map((m) => m.name)).toEqual(['café']);
    });
  });
}
