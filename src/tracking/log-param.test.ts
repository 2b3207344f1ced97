import { expect, it } from 'vitest';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { createRun } from './create-run.js';
import { getRun } from './get-run.js';
import { logParam } from './log-param.js';

forEachDialect('logParam', ({ name, freshUri }) => {
  // Two PostgreSQL pools race for real. On SQLite a second connection in the same process would block the event
  // loop in its busy wait (better-sqlite3 is synchronous), so both calls share one store and are serialized.
  it('lets exactly one of two concurrent different values win', async () => {
    const { openMetadata } = await import('../storage/metadata/open-metadata.js');
    const uri = await freshUri();
    const one = await openMetadata(uri);
    const two = name === 'postgres' ? await openMetadata(uri) : one;
    try {
      const runId = (await createRun({ metadata: one }, {})).info.runId;
      for (let round = 0; round < 5; round++) {
        const key = `p${round}`;
        const results = await Promise.allSettled([
          logParam({ metadata: one }, { runId, key, value: 'a' }),
          logParam({ metadata: two }, { runId, key, value: 'b' }),
        ]);
        expect(
          results.filter((result) => result.status === 'fulfilled'),
          name,
        ).toHaveLength(1);
        const rejected = results.find((result) => result.status === 'rejected');
        expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      }
      expect((await getRun({ metadata: one }, { runId })).data.params).toHaveLength(5);
    } finally {
      await one.close();
      if (two !== one) await two.close();
    }
  });
});
