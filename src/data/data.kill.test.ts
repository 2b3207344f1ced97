import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addToWorkspace } from './add.js';
import { checkoutWorkspace } from './checkout.js';
import { workspaceStatus } from './status.js';
import { createTempWorkspace, type TempWorkspace } from './testing/temp-workspace.js';
import type { Workspace } from './workspace/workspace.js';

const CHILD = fileURLToPath(new URL('./testing/data-child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Enough small files for several of checkout's worker batches (256 files each), so the kill lands mid-way. */
const FILES = 1000;
const FILE_BYTES = 4 * 1024;

let t: TempWorkspace;
let ws: Workspace;
beforeEach(async () => {
  t = await createTempWorkspace();
  ws = await t.open();
});
afterEach(async () => {
  await ws.close();
  await t.remove();
});

/** Starts the child and SIGKILLs it as soon as it reports its first finished file. */
function runAndKill(args: string[]): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, ['--import', TSX, CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('progress')) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (_code, signal) => resolve({ signal, output })));
}

const version = (v: number) =>
  Object.fromEntries(
    Array.from({ length: FILES }, (_, i) => [`tree/f${i}.bin`, Buffer.alloc(FILE_BYTES, v * 100 + i)]),
  );

/** Every cache object reads back whole and matching its digest. */
async function assertCacheIntact(): Promise<void> {
  for await (const digest of ws.cache.store.list()) {
    for await (const _ of await ws.cache.store.get(digest)) {
    }
  }
}

describe('killed with SIGKILL', () => {
  it('checkout leaves every file whole (old or new), no corrupt object, and the next run completes', async () => {
    const v1 = version(1);
    const v2 = version(2);
    await t.write(v1);
    await addToWorkspace(ws, { paths: ['tree'], cwd: t.root });
    await t.git('add', '-A');
    await t.git('commit', '-qm', 'v1');
    await t.write(v2);
    await addToWorkspace(ws, { paths: ['tree'], cwd: t.root });
    await t.git('commit', '-qam', 'v2');
    await t.git('checkout', '-q', 'HEAD~1');

    const { signal, output } = await runAndKill(['checkout', t.root]);
    expect(signal, output).toBe('SIGKILL');
    expect(output).not.toContain('done');
    let old = 0;
    for (const [path, bytes] of Object.entries(v1)) {
      const now = await readFile(join(t.root, path));
      const isNew = now.equals(bytes);
      if (!isNew) old += 1;
      expect(isNew || now.equals(v2[path] as Buffer), `${path} is neither version`).toBe(true);
    }
    expect(old).toBeGreaterThan(0);
    await assertCacheIntact();

    await checkoutWorkspace(ws, { cwd: t.root });
    for (const [path, bytes] of Object.entries(v1))
      expect((await readFile(join(t.root, path))).equals(bytes)).toBe(true);
    expect((await readdir(join(t.root, 'tree'))).filter((name) => name.includes('slipway-tmp'))).toEqual([]);
    expect((await workspaceStatus(ws, { cwd: t.root })).clean).toBe(true);
  });

  it('add leaves no corrupt cache object and the next run completes', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`many/d${i % 30}/f${i}.bin`, randomBytes(16 * 1024)]),
    );
    await t.write(files);
    const { signal, output } = await runAndKill(['add', t.root, 'many']);
    expect(signal, output).toBe('SIGKILL');
    await assertCacheIntact();
    const result = await addToWorkspace(ws, { paths: ['many'], cwd: t.root });
    expect(result.targets[0]?.files).toBe(300);
    await assertCacheIntact();
    expect((await workspaceStatus(ws, { cwd: t.root })).clean).toBe(true);
  });
});
