import { expect, it } from 'vitest';
import { listEvents } from '../../storage/metadata/events.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { rejectsWithCode } from '../../tracking/tracking-client.contract.js';
import { allTrafficTo } from './deployment-types.js';
import { describeDeploymentsClient } from './deployments-client.contract.js';
import { createSqlDeploymentsClient } from './sql-deployments-client.js';

forEachDialect('SqlDeploymentsClient', (dialect) => {
  describeDeploymentsClient('sql', async () => {
    const metadata = await dialect.open();
    return { client: createSqlDeploymentsClient({ metadata, actor: 'alice' }), actor: 'alice', close: async () => {} };
  });

  const target = { kind: 'local' as const, port: 5101 };

  it('audits every deployment change in its own transaction, and nothing for a refused one', async () => {
    const metadata = await dialect.open();
    const client = createSqlDeploymentsClient({ metadata, actor: 'bob' });
    await client.applyDeployment({
      model: 'wine',
      environment: 'staging',
      target,
      policy: allTrafficTo('1'),
      action: 'deploy',
    });
    await client.applyDeployment({
      model: 'wine',
      environment: 'staging',
      policy: allTrafficTo('2'),
      action: 'promote',
      reason: 'better rmse',
      releaseId: 'a'.repeat(32),
    });
    await rejectsWithCode(
      client.applyDeployment({
        model: 'wine',
        environment: 'staging',
        policy: allTrafficTo('3'),
        action: 'promote',
        expectedRevision: 1,
      }),
      'RESOURCE_CONFLICT',
    );
    await client.deleteDeployment('wine', 'staging');
    const events = await listEvents(metadata.db, { subject: 'deployments/wine/staging', limit: 10 });
    expect(events.map((e) => [e.kind, e.actor])).toEqual([
      ['deployment.deploy', 'bob'],
      ['deployment.promote', 'bob'],
      ['deployment.deleted', 'bob'],
    ]);
    expect(events[1]?.payload).toEqual({
      model: 'wine',
      environment: 'staging',
      revision: 2,
      previous_revision: 1,
      action: 'promote',
      target,
      policy: allTrafficTo('2'),
      reason: 'better rmse',
      release_id: 'a'.repeat(32),
    });
    const rows = await metadata.db.selectFrom('deployment_revisions').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('keeps release steps as audit events about the release', async () => {
    const metadata = await dialect.open();
    const client = createSqlDeploymentsClient({ metadata, actor: 'carol' });
    const release = await client.createRelease({ model: 'wine', target: 'production' });
    await client.recordReleaseStep({ releaseId: release.id, step: 'smoke', status: 'passed', details: { p95_ms: 12 } });
    await client.updateRelease(release.id, { status: 'succeeded' });
    const events = await listEvents(metadata.db, { subject: `releases/${release.id}`, limit: 10 });
    expect(events.map((e) => e.kind)).toEqual(['release.created', 'release.smoke.passed', 'release.updated']);
    expect(events[1]?.payload).toEqual({
      release_id: release.id,
      step: 'smoke',
      status: 'passed',
      details: { p95_ms: 12 },
    });
    expect(events[2]?.payload).toMatchObject({ before: { status: 'running' }, after: { status: 'succeeded' } });
  });
});
