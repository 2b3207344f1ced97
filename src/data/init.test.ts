import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { addToWorkspace } from './add.js';
import { DOT_DIR_IGNORES, initWorkspace } from './init.js';
import { listTracked } from './ls.js';
import { createTempWorkspace, type TempWorkspace } from './testing/temp-workspace.js';

let t: TempWorkspace | undefined;
afterEach(async () => {
  await t?.remove();
  t = undefined;
});

describe('slipway init', () => {
  it('creates a config that loads, the cache and the .gitignore, and is idempotent', async () => {
    t = await createTempWorkspace();
    const config = await loadConfig({ cwd: t.root, env: {}, homeDir: join(t.root, 'home') });
    expect(config.workspaceRoot).toBe(t.root);
    expect(config.cache.linkMode).toBe('copy');
    expect(config.objects.uri).toBe(join(t.root, '.slipway', 'cache'));
    await access(join(t.root, '.slipway', 'cache'));
    expect((await readFile(join(t.root, '.slipway', '.gitignore'), 'utf8')).trim().split('\n')).toEqual(
      DOT_DIR_IGNORES,
    );
    await writeFile(join(t.root, '.slipway', 'config.yaml'), 'schema: 1\ncache:\n  linkMode: hardlink\n');
    await writeFile(join(t.root, '.slipway', '.gitignore'), '/cache/\n');
    const again = await initWorkspace({ cwd: t.root });
    expect(again.created).toBe(false);
    expect(await readFile(join(t.root, '.slipway', 'config.yaml'), 'utf8')).toContain('hardlink');
    expect((await readFile(join(t.root, '.slipway', '.gitignore'), 'utf8')).trim().split('\n')).toEqual(
      DOT_DIR_IGNORES,
    );
    const reloaded = await loadConfig({ cwd: t.root, env: {}, homeDir: join(t.root, 'home') });
    expect(reloaded.cache.linkMode).toBe('hardlink');
    expect(await t.git('status', '--porcelain', '--untracked-files=all')).toBe(
      '?? .slipway/.gitignore\n?? .slipway/config.yaml\n',
    );
  });

  it('works without git with --no-scm: no .gitignore entries, pointer files found by walking', async () => {
    t = await createTempWorkspace({ git: false });
    await t.write({ 'data/a.csv': 'a', 'deep/er/b.csv': 'b' });
    const ws = await t.open();
    try {
      const result = await addToWorkspace(ws, { paths: ['data', 'deep/er/b.csv'], cwd: t.root });
      expect(result.gitignores).toEqual([]);
      await expect(access(join(t.root, '.gitignore'))).rejects.toThrow();
      expect((await listTracked(ws, { cwd: t.root })).map((e) => e.path)).toEqual(['data', 'deep/er/b.csv']);
    } finally {
      await ws.close();
    }
  });

  it('refuses a folder outside git without --no-scm', async () => {
    t = await createTempWorkspace({ git: false });
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const plain = await mkdtemp(join(tmpdir(), 'slipway-plain-'));
    await expect(initWorkspace({ cwd: plain })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await (await import('node:fs/promises')).rm(plain, { recursive: true, force: true });
  });
});
