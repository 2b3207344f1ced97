import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandTable } from '../cli-context.js';
import { runCli } from '../run-cli.js';
import { addCommand } from './add-command.js';
import { checkoutCommand } from './checkout-command.js';
import { diffCommand } from './diff-command.js';
import { gcCommand } from './gc-command.js';
import { initCommand } from './init-command.js';
import { lsCommand } from './ls-command.js';
import { statusCommand } from './status-command.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const git = promisify(execFile);

const entry = (module: CommandTable[string]['load'] extends () => Promise<infer M> ? M : never) => ({
  summary: '',
  load: async () => module,
});
const COMMANDS: CommandTable = {
  init: entry(initCommand),
  add: entry(addCommand),
  status: entry(statusCommand),
  checkout: entry(checkoutCommand),
  diff: entry(diffCommand),
  ls: entry(lsCommand),
  gc: entry(gcCommand),
};

let dir: string;
beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'slipway-data-cli-')));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command line in this process through runCli, as the CLI's main would. */
async function slipway(...args: string[]): Promise<Finished> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (chunk: Buffer) => {
    chunks.out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    chunks.err += chunk.toString();
  });
  const home = join(dir, 'home');
  const code = await runCli(args, {
    commands: COMMANDS,
    stdout,
    stderr,
    env: {},
    cwd: dir,
    homeDir: home,
    version: '0',
  });
  return { code, stdout: chunks.out, stderr: chunks.err };
}

describe('data commands', () => {
  it('init refuses a folder outside git, naming --no-scm; then init, add, status, ls, diff, gc', async () => {
    const outside = await slipway('init', '--json');
    expect(outside.code).toBe(8);
    expect(JSON.parse(outside.stderr)).toMatchObject({
      error_code: 'INVALID_STATE',
      hint: expect.stringContaining('--no-scm'),
    });

    await git('git', ['init', '-q'], { cwd: dir });
    const init = await slipway('init', '--json');
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ root: dir, created: true, git: dir });
    expect((await slipway('init')).stdout).toContain('Already initialized');

    await writeFile(join(dir, 'wine.csv'), 'quality\n5\n');
    const added = await slipway('add', 'wine.csv', '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      targets: [{ path: 'wine.csv', pointer: 'wine.csv.slip', changed: true }],
    });
    expect((await slipway('status')).stdout).toBe('Data and pointer files are up to date.\n');

    await git('git', ['add', '-A'], { cwd: dir });
    await git('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'v1'], { cwd: dir });
    await writeFile(join(dir, 'wine.csv'), 'quality\n6\n');
    const status = await slipway('status', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({
      clean: false,
      tracked: [{ pointer: 'wine.csv.slip', changes: [{ path: 'wine.csv', change: 'modified' }] }],
    });
    expect((await slipway('status')).stdout).toBe('wine.csv.slip:\n\tmodified:     wine.csv\n');
    expect((await slipway('ls')).stdout).toMatch(/sha256:[0-9a-f]{12}\s+10 B\s+wine\.csv/);
    const diff = await slipway('diff', '--json');
    expect(diff.code).toBe(0);
    expect(JSON.parse(diff.stdout)).toMatchObject({ from: 'HEAD', to: 'workspace', modified: [{ path: 'wine.csv' }] });
    expect((await slipway('diff')).stdout).toContain('modified  wine.csv (10 B → 10 B)');
    expect(JSON.parse((await slipway('gc', '--dry-run', '--json')).stdout)).toMatchObject({
      scope: 'workspace',
      removed: [],
    });
    expect((await slipway('gc', '-w', '-A')).code).toBe(2);
    expect((await slipway('add', 'x', '--link-mode', 'teleport')).stderr).toContain('copy, reflink, hardlink, symlink');
  });

  it('checkout names local changes (exit 4) and objects missing from the cache (exit 3)', async () => {
    await git('git', ['init', '-q'], { cwd: dir });
    expect((await slipway('init')).code).toBe(0);
    await writeFile(join(dir, 'm.bin'), 'v1');
    expect((await slipway('add', 'm.bin')).code).toBe(0);
    const v1 = await readFile(join(dir, 'm.bin.slip'), 'utf8');
    await writeFile(join(dir, 'm.bin'), 'v2');
    expect((await slipway('add', 'm.bin')).code).toBe(0);
    await writeFile(join(dir, 'm.bin.slip'), v1);
    await writeFile(join(dir, 'm.bin'), 'unsaved');
    const conflict = await slipway('checkout');
    expect(conflict.code).toBe(4);
    expect(conflict.stderr).toContain('Local changes would be lost in m.bin');
    expect(await readFile(join(dir, 'm.bin'), 'utf8')).toBe('unsaved');
    expect((await slipway('checkout', '--force')).stdout).toContain('1 written, 0 removed');
    expect(await readFile(join(dir, 'm.bin'), 'utf8')).toBe('v1');
    await writeFile(join(dir, 'm.bin.slip'), `schema: 1\npath: m.bin\ndigest: sha256:${'0'.repeat(64)}\nsize: 1\n`);
    const missing = await slipway('checkout', '--force');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('m.bin');
    expect(missing.stderr).toContain('slipway pull');
  });

  it('the real binary entry runs a data command', async () => {
    await git('git', ['init', '-q'], { cwd: dir });
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLIPWAY_')));
    const child = spawn(process.execPath, ['--import', TSX, MAIN, 'init', '--json'], {
      cwd: dir,
      env: { ...env, HOME: join(dir, 'home') },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ root: dir, created: true });
  });
});
