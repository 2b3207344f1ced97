import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import { initWorkspace } from '../../data/init.js';
import { Slipway } from '../../sdk/slipway.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import type { CommandTable } from '../cli-context.js';
import { captureCli } from '../testing/capture-cli.js';
import { gcCommand } from './gc-command.js';

const COMMANDS: CommandTable = { gc: { summary: '', load: async () => gcCommand } };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('keeps the objects of run artifacts tracked in the same store, and removes what nothing references', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-gc-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await initWorkspace({ cwd: dir, noScm: true });
  await writeFile(join(dir, 'notes.txt'), 'a run artifact\n');
  const slipway = await Slipway.connect({ cwd: dir, env: {}, lineage: false });
  const run = await slipway.startRun({ experiment: 'gc' });
  await run.logArtifact(join(dir, 'notes.txt'));
  await run.end();
  await slipway.close();
  const config = await loadConfig({ cwd: dir, env: {}, homeDir: join(dir, 'home') });
  const store = await openObjectStore(config.objects.uri);
  cleanups.push(() => store.close());
  const orphan = await store.put(Readable.from([Buffer.from('nothing references this')]));
  const artifact = await store.put(Readable.from([Buffer.from('a run artifact\n')]));

  const { code } = await captureCli(COMMANDS, ['gc', '--json'], { cwd: dir, homeDir: join(dir, 'home') });
  expect(code).toBe(0);
  expect(await store.has(artifact.digest)).toBe(true);
  expect(await store.has(orphan.digest)).toBe(false);
});
