import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { listenApp } from '../../client/testing/listening-app.js';
import { registryFixture } from '../../registry/testing/registry-fixture.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import type { CommandTable } from '../cli-context.js';
import { captureCli } from '../testing/capture-cli.js';
import { modelsCommand } from './models-command.js';

const COMMANDS: CommandTable = { models: { summary: '', load: async () => modelsCommand } };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

forEachDialect('slipway models', (dialect) => {
  const place = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-models-cli-'));
    const metadata = await dialect.open();
    const objects = await openObjectStore('memory://');
    const server = await listenApp(metadata, objects);
    const fixture = await registryFixture(metadata, 'alice', objects);
    cleanups.push(async () => {
      await server.close();
      await objects.close();
      await rm(dir, { recursive: true, force: true });
    });
    const cli = (...args: string[]) =>
      captureCli(COMMANDS, [...args, '--tracking-uri', server.baseUrl], { cwd: dir, homeDir: dir });
    const json = async (...args: string[]) => {
      const result = await cli(...args, '--json');
      if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout);
    };
    return { dir, fixture, cli, json };
  };

  it('registers, aliases, shows, downloads and reports the history', async () => {
    const { dir, fixture, cli, json } = await place();
    const runId = await fixture.logRun({ MLmodel: 'flavors: {}\n', 'model.onnx': 'weights' });
    const version = await json('models', 'register', `runs:/${runId}/model`, '--name', 'wine', '--tag', 'k=v');
    expect(version).toMatchObject({ name: 'wine', version: '1', semver: '1.0.0', tags: [{ key: 'k', value: 'v' }] });
    await json('models', 'register', `runs:/${runId}/model`, '--name', 'wine', '--semver', '1.0.7');
    await json('models', 'alias', 'wine', 'production', '1');
    const shown = await json('models', 'show', 'wine');
    expect(shown.versions.map((v: { semver: string }) => v.semver)).toEqual(['1.0.7', '1.0.0']);
    expect((await json('models', 'list')).models.map((m: { name: string }) => m.name)).toEqual(['wine']);
    const downloaded = await json('models', 'download', 'models:/wine@production', '-o', 'out');
    expect(downloaded).toMatchObject({ version: '1', semver: '1.0.0' });
    expect(await readFile(join(dir, 'out', 'model.onnx'), 'utf8')).toBe('weights');
    const history = await json('models', 'history', 'wine');
    expect(history.events[0]).toMatchObject({ kind: 'alias.set', actor: 'anonymous' });
    const at = await json('models', 'history', 'wine', '--alias', 'production', '--at', String(history.events[0].time));
    expect(at.version).toBe('1');
    await json('models', 'unalias', 'wine', 'production');
    await json('models', 'delete', 'wine', '2');
    const text = await cli('models', 'history', 'wine');
    expect(text.stdout, text.stdout).toContain('model_version.deleted');
    const missing = await cli('models', 'show', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('not found');
    const refused = await cli('models', 'register', 'file:///etc', '--name', 'wine');
    expect(refused.code).not.toBe(0);
  });
});
