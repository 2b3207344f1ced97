import { expect, it } from 'vitest';
import { openMetadata } from '../storage/metadata/open-metadata.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { createModelVersion } from './create-model-version.js';
import { createRegisteredModel } from './create-registered-model.js';
import { getAliasAt } from './get-alias-at.js';
import { getVersionByAlias } from './get-version-by-alias.js';
import { listModelHistory } from './list-model-history.js';
import { setAlias } from './set-alias.js';
import { registryFixture } from './testing/registry-fixture.js';
import type { RegistryDeps } from './types.js';

/**
 * Concurrent writers on separate connections (PostgreSQL: separate pools; SQLite: separate handles on one file),
 * as two servers sharing a database would be.
 */
forEachDialect('registry under concurrent writers', (dialect) => {
  const twoClients = async () => {
    const uri = await dialect.freshUri();
    const first = await registryFixture(await openMetadata(uri), 'alice');
    // better-sqlite3 blocks its thread while it waits for a lock: two handles in one process would deadlock,
    // so on SQLite both clients share the server's one connection (Kysely runs their transactions in turn).
    const second = dialect.name === 'sqlite' ? first.deps.metadata : await openMetadata(uri);
    const bob: RegistryDeps = { ...first.deps, metadata: second, actor: 'bob' };
    const close = async () => {
      await first.deps.metadata.db.destroy();
      if (second !== first.deps.metadata) await second.db.destroy();
    };
    return { alice: first.deps, bob, fixture: first, close };
  };

  it('numbers versions uniquely and without gaps when many are registered at once', async () => {
    const { alice, bob, fixture, close } = await twoClients();
    try {
      await createRegisteredModel(alice, { name: 'wine' });
      const runId = await fixture.logRun({ 'model.onnx': 'w' });
      const source = `runs:/${runId}/model`;
      const created = await Promise.all(
        Array.from({ length: 16 }, (_, i) => createModelVersion(i % 2 === 0 ? alice : bob, { name: 'wine', source })),
      );
      const numbers = created.map((v) => Number(v.version)).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      const semvers = new Set(created.map((v) => v.semver));
      expect(semvers.size).toBe(16);
      const events = await listModelHistory(alice, { name: 'wine', maxResults: 100 });
      expect(events.items.filter((e) => e.kind === 'model_version.created')).toHaveLength(16);
    } finally {
      await close();
    }
  });

  it('moves one alias from two clients at once: both succeed, both are recorded, it ends on one of them', async () => {
    const { alice, bob, fixture, close } = await twoClients();
    try {
      await createRegisteredModel(alice, { name: 'wine' });
      const runId = await fixture.logRun({ 'model.onnx': 'w' });
      for (let i = 0; i < 3; i++) await createModelVersion(alice, { name: 'wine', source: `runs:/${runId}/model` });
      for (let round = 0; round < 5; round++) {
        await Promise.all([
          setAlias(alice, { name: 'wine', alias: 'production', version: '2' }),
          setAlias(bob, { name: 'wine', alias: 'production', version: '3' }),
        ]);
        const [latest, previous] = (await listModelHistory(alice, { name: 'wine', maxResults: 2 })).items;
        const final = (await getVersionByAlias(alice, { name: 'wine', alias: 'production' })).version;
        expect(latest?.payload.after).toBe(final);
        expect(['2', '3']).toContain(final);
        // The second write saw the first: its `before` is the first write's `after`, never a stale value.
        expect(latest?.payload.before).toBe(previous?.payload.after);
        expect(new Set([latest?.actor, previous?.actor])).toEqual(new Set(['alice', 'bob']));
        const now = await getAliasAt(alice, { name: 'wine', alias: 'production', at: Date.now() + 10_000 });
        expect(now.version).toBe(final);
      }
    } finally {
      await close();
    }
  });
});
