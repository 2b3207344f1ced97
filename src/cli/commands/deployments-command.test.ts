import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createModelVersion } from '../../registry/create-model-version.js';
import { createRegisteredModel } from '../../registry/create-registered-model.js';
import { setAlias } from '../../registry/set-alias.js';
import { registryFixture } from '../../registry/testing/registry-fixture.js';
import { listEvents } from '../../storage/metadata/events.js';
import { openMetadata } from '../../storage/metadata/open-metadata.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import type { CommandTable } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { captureCli } from '../testing/capture-cli.js';
import { deployCommand } from './deploy-command.js';
import { deploymentsCommand } from './deployments-command.js';
import { rollbackCommand } from './rollback-command.js';

const COMMANDS: CommandTable = {
  deploy: { summary: '', load: async () => deployCommand },
  rollback: { summary: '', load: async () => rollbackCommand },
  deployments: { summary: '', load: async () => deploymentsCommand },
};
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A SQLite tracking URI whose registry holds wine versions 1, 2 (@production) and 3 (1.4.0), and beer version 1. */
async function place() {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-deploy-cli-'));
  const uri = `sqlite://${join(dir, 'slipway.db')}`;
  const objectsDir = join(dir, 'objects');
  const metadata = await openMetadata(uri);
  const objects = await openObjectStore(objectsDir);
  cleanups.push(async () => {
    await objects.close();
    await metadata.close();
    await rm(dir, { recursive: true, force: true });
  });
  const { deps, logRun } = await registryFixture(metadata, 'alice', objects);
  const source = `runs:/${await logRun({ MLmodel: 'flavors: {}\n', 'model.onnx': 'weights' })}/model`;
  for (const name of ['wine', 'beer']) await createRegisteredModel(deps, { name });
  await createModelVersion(deps, { name: 'wine', source });
  await createModelVersion(deps, { name: 'wine', source });
  await createModelVersion(deps, { name: 'wine', source, semver: '1.4.0' });
  await createModelVersion(deps, { name: 'beer', source });
  await setAlias(deps, { name: 'wine', alias: 'production', version: '2' });
  const env = { SLIPWAY_ARTIFACTS_DESTINATION: objectsDir, USER: 'ci-bot' };
  const cli = (...args: string[]) =>
    captureCli(COMMANDS, [...args, '--tracking-uri', uri], { cwd: dir, homeDir: join(dir, 'home'), env });
  const json = async (...args: string[]) => {
    const result = await cli(...args, '--json');
    if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  return { cli, json, metadata, dir };
}

const traffic = (deployment: { policy: { routes: { version: string; weight: number }[] } }) =>
  deployment.policy.routes.map((r) => `${r.version}:${r.weight}`);

describe('slipway deploy, rollback and deployments', () => {
  it("takes a first deployment's target from the environment in the workspace's slipway.yaml", async () => {
    const { json, dir } = await place();
    await mkdir(join(dir, '.slipway'));
    await writeFile(join(dir, '.slipway', 'config.yaml'), 'schema: 1\n');
    await writeFile(
      join(dir, 'slipway.yaml'),
      'schema: 1\nstages: {}\nenvironments:\n  staging: {port: 5123, host: 127.0.0.2}\n',
    );
    const deployed = await json('deploy', 'staging', 'models:/wine/1');
    expect(deployed.target).toEqual({ kind: 'local', port: 5123, host: '127.0.0.2' });
  });

  it('deploys, canaries by alias, promotes by semver, and rolls back to the previous primary', async () => {
    const { cli, json, metadata } = await place();
    const portless = await cli('deploy', 'staging', 'models:/wine/1');
    expect(portless.code).toBe(EXIT.usage);
    expect(portless.stderr).toContain('--port');

    const first = await json('deploy', 'staging', 'models:/wine/1', '--port', '5101', '--reason', 'first');
    expect(first).toMatchObject({
      model: 'wine',
      revision: 1,
      action: 'deploy',
      target: { kind: 'local', port: 5101 },
    });
    expect(traffic(first)).toEqual(['1:100']);
    const canary = await json('deploy', 'staging', 'models:/wine@production', '--canary', '10');
    expect(canary).toMatchObject({ revision: 2, action: 'canary', target: { port: 5101 } });
    expect(traffic(canary)).toEqual(['1:90', '2:10']);
    const text = await cli('deploy', 'staging', 'models:/wine/1.4.0');
    expect(text.stdout).toContain('Deployed wine version 3 (1.4.0) to staging, revision 3.');
    expect(text.stdout).toContain('Traffic: 3 100%. Target: local http://127.0.0.1:5101.');

    const back = await json('rollback', 'staging');
    expect(back).toMatchObject({ revision: 4, action: 'rollback' });
    expect(traffic(back)).toEqual(['1:100']);
    const forth = await json('rollback', 'staging', '--model', 'wine');
    expect(traffic(forth)).toEqual(['3:100']);
    expect(traffic(await json('rollback', 'staging', '--to', '2', '--reason', 'hotfix'))).toEqual(['2:100']);
    expect(traffic(await json('rollback', 'staging', '--to', '1.4.0'))).toEqual(['3:100']);
    const missing = await cli('rollback', 'staging', '--to', '9');
    expect(missing.code).toBe(EXIT.notFound);

    const history = await json('deployments', 'history', 'staging', '--max-results', '3');
    expect(history.revisions.map((r: { revision: number }) => r.revision)).toEqual([7, 6, 5]);
    expect(history.revisions[1]).toMatchObject({ action: 'rollback', reason: 'hotfix' });
    const table = await cli('deployments', 'history', 'staging');
    expect(table.stdout.split('\n')[0]).toMatch(/^REV\s+TIME\s+BY\s+ACTION\s+TRAFFIC\s+REASON$/);
    expect(table.stdout).toContain('canary');
    const events = await listEvents(metadata.db, { subject: 'deployments/wine/staging', limit: 100 });
    expect(events.map((e) => e.kind)).toEqual([
      'deployment.deploy',
      'deployment.canary',
      'deployment.deploy',
      'deployment.rollback',
      'deployment.rollback',
      'deployment.rollback',
      'deployment.rollback',
    ]);
  });

  it('picks the only model of an environment, names them when there are several, and removes one', async () => {
    const { cli, json } = await place();
    await json('deploy', 'production', 'models:/wine/1', '--port', '6001');
    await json(
      'deploy',
      'production',
      'models:/beer/1',
      '--model-target',
      'docker',
      '--url',
      'http://beer.internal:8080',
    );
    const listed = await json('deployments', 'list', '--environment', 'production');
    expect(listed.deployments.map((d: { model: string }) => d.model)).toEqual(['beer', 'wine']);
    const text = await cli('deployments', 'list');
    expect(text.stdout).toContain('docker http://beer.internal:8080');
    expect(text.stdout).toContain('wine');

    const ambiguous = await cli('rollback', 'production');
    expect(ambiguous.code).toBe(EXIT.usage);
    expect(ambiguous.stderr).toContain('2 models are deployed to production: beer, wine.');
    expect(ambiguous.stderr).toContain('--model');
    const nothing = await cli('rollback', 'production', '--model', 'beer');
    expect(nothing.code).toBe(EXIT.invalidState);
    expect(nothing.stderr).toContain('Nothing to roll back to');
    const twice = await cli('deploy', 'production', 'models:/wine/1', '--canary', '20');
    expect(twice.code).toBe(EXIT.invalidState);
    expect(twice.stderr).toContain('already the primary');

    const removed = await cli('deployments', 'remove', 'production', '--model', 'wine');
    expect(removed.stdout).toContain('Removed the deployment of wine from production');
    const history = await json('deployments', 'history', 'production');
    expect(history.revisions.map((r: { model: string }) => r.model)).toEqual(['beer']);
    await json('deployments', 'remove', 'production');
    expect((await json('deployments', 'list')).deployments).toEqual([]);
    const empty = await cli('rollback', 'production');
    expect(empty.code).toBe(EXIT.notFound);
    expect(empty.stderr).toContain('Nothing is deployed to production');
  });

  it('reports bad input before touching anything', async () => {
    const { cli } = await place();
    const badEnvironment = await cli('deploy', 'Prod', 'models:/wine/1', '--port', '1');
    expect(badEnvironment.code).toBe(EXIT.usage);
    expect(badEnvironment.stderr).toContain("Invalid environment name 'Prod'");
    expect((await cli('deploy', 'staging', 'models:/nope/1', '--port', '1')).code).toBe(EXIT.notFound);
    expect((await cli('deploy', 'staging', 'models:/wine/1', '--port', '1', '--canary', '100')).code).toBe(EXIT.usage);
    expect((await cli('deploy', 'staging', 'models:/wine/1', '--model-target', 'ftp')).code).toBe(EXIT.usage);
    const canaryFirst = await cli('deploy', 'staging', 'models:/wine/2', '--canary', '5');
    expect(canaryFirst.code).toBe(EXIT.notFound);
    expect(canaryFirst.stderr).toContain('Nothing to canary against');
  });
});
