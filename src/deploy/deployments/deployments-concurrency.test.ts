import { expect, it } from 'vitest';
import { listEvents } from '../../storage/metadata/events.js';
import { openMetadata } from '../../storage/metadata/open-metadata.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { type ApplyDeploymentInput, allTrafficTo } from './deployment-types.js';
import { createSqlDeploymentsClient } from './sql-deployments-client.js';

/**
 * Concurrent writers on separate connections (PostgreSQL: two pools; SQLite: one connection, whose transactions
 * run in turn), as two servers or two CLIs sharing one database would be.
 */
forEachDialect('deployments under concurrent writers', (dialect) => {
  const twoClients = async () => {
    const uri = await dialect.freshUri();
    const first = await openMetadata(uri);
    // better-sqlite3 blocks its thread while it waits for a lock: two handles in one process would deadlock.
    const second = dialect.name === 'sqlite' ? first : await openMetadata(uri);
    return {
      alice: createSqlDeploymentsClient({ metadata: first, actor: 'alice' }),
      bob: createSqlDeploymentsClient({ metadata: second, actor: 'bob' }),
      db: first.db,
      close: async () => {
        await first.close();
        if (second !== first) await second.close();
      },
    };
  };
  const change = (version: string, expectedRevision?: number): ApplyDeploymentInput => ({
    model: 'wine',
    environment: 'production',
    target: { kind: 'local', port: 5101 },
    policy: allTrafficTo(version),
    action: 'deploy',
    expectedRevision,
  });
  const outcomes = async (promises: Promise<unknown>[]) =>
    (await Promise.allSettled(promises)).map((r) =>
      r.status === 'fulfilled' ? 'ok' : (r.reason as { code?: string }).code,
    );

  it('lets exactly one of two applies with the same expected revision win, creating or moving', async () => {
    const { alice, bob, db, close } = await twoClients();
    try {
      for (let round = 0; round < 4; round++) {
        const results = await outcomes([
          alice.applyDeployment(change('2', round)),
          bob.applyDeployment(change('3', round)),
        ]);
        expect(results.sort()).toEqual(['RESOURCE_CONFLICT', 'ok']);
        expect((await alice.getDeployment('wine', 'production'))?.revision).toBe(round + 1);
      }
      const history = await alice.listDeploymentHistory({ model: 'wine', environment: 'production' });
      expect(history.items.map((r) => r.revision)).toEqual([4, 3, 2, 1]);
      const events = await listEvents(db, { subject: 'deployments/wine/production', limit: 100 });
      expect(events.map((e) => e.payload.revision)).toEqual([1, 2, 3, 4]);
    } finally {
      await close();
    }
  });

  it('gives concurrent applies without an expected revision consecutive revisions', async () => {
    const { alice, bob, db, close } = await twoClients();
    try {
      const written = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? alice : bob).applyDeployment(change(String(i + 1)))),
      );
      expect(written.map((d) => d.revision).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const current = await alice.getDeployment('wine', 'production');
      expect(current?.revision).toBe(8);
      const history = await bob.listDeploymentHistory({ model: 'wine', environment: 'production' });
      expect(history.items.map((r) => r.revision)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
      // Each revision's row and event say the same thing: the version written with that revision number.
      const byRevision = new Map(written.map((d) => [d.revision, d.policy]));
      for (const revision of history.items) expect(revision.policy).toEqual(byRevision.get(revision.revision));
      const events = await listEvents(db, { subject: 'deployments/wine/production', limit: 100 });
      expect(events.map((e) => e.payload.revision).sort((a, b) => Number(a) - Number(b))).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8,
      ]);
    } finally {
      await close();
    }
  });
});
