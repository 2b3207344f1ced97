import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliPlace, makeWorkspace, ok, slipway } from './testing/remote-cli.js';

let dir: string;
let ws: CliPlace;
beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'slipway-remote-cmd-')));
  ws = await makeWorkspace(dir, 'ws', {});
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const configText = () => readFile(join(ws.cwd, '.slipway', 'config.yaml'), 'utf8');
const list = async (place: CliPlace = ws) => JSON.parse(await ok(place, '--json', 'remote', 'list')).remotes;

describe('slipway remote', () => {
  it('adds remotes of every kind; the first becomes the default', async () => {
    await ok(ws, 'remote', 'add', 'backup', '../backup');
    await ok(ws, 'remote', 'add', 'bucket', 's3://my-bucket/project?endpoint=http://127.0.0.1:9000');
    await ok(ws, 'remote', 'add', 'server', 'https://slipway.example.com/prefix', '--default');
    expect(await list()).toEqual([
      { name: 'backup', url: join(dir, 'backup'), kind: 'folder', isDefault: false },
      { name: 'bucket', url: 's3://my-bucket/project?endpoint=http://127.0.0.1:9000', kind: 's3', isDefault: false },
      { name: 'server', url: 'https://slipway.example.com/prefix', kind: 'http', isDefault: true },
    ]);
    expect(await configText()).toContain('  backup:\n    url: ../backup\n');
    expect((await slipway(ws, 'remote', 'list')).stdout).toBe(
      `  backup           ${join(dir, 'backup')}\n  bucket           s3://my-bucket/project?endpoint=http://127.0.0.1:9000\n* server           https://slipway.example.com/prefix\n`,
    );
  });

  it('stores a relative folder relative to the workspace root, from any subfolder', async () => {
    await mkdir(join(ws.cwd, 'sub', 'deeper'), { recursive: true });
    await ok({ ...ws, cwd: join(ws.cwd, 'sub', 'deeper') }, 'remote', 'add', 'up', '../../../store');
    expect(await configText()).toContain('url: ../store\n');
    expect((await list())[0].url).toBe(join(dir, 'store'));
  });

  it('keeps the other keys, comments and the schema version of the config file', async () => {
    const file = join(ws.cwd, '.slipway', 'config.yaml');
    await writeFile(file, '# my settings\nschema: 1\ncache:\n  linkMode: hardlink # fast\n');
    await ok(ws, 'remote', 'add', 'origin', '/srv/data');
    await ok(ws, 'remote', 'add', 'other', '/srv/other');
    await ok(ws, 'remote', 'remove', 'origin');
    expect(await readFile(file, 'utf8')).toBe(
      '# my settings\nschema: 1\ncache:\n  linkMode: hardlink # fast\nremotes:\n  other:\n    url: /srv/other\n',
    );
  });

  it('shows, sets and clears the default remote', async () => {
    expect((await slipway(ws, 'remote', 'default')).stdout).toBe('No default remote.\n');
    await ok(ws, 'remote', 'add', 'a', '/srv/a');
    await ok(ws, 'remote', 'add', 'b', '/srv/b');
    expect(JSON.parse(await ok(ws, '--json', 'remote', 'default'))).toEqual({ default: 'a' });
    await ok(ws, 'remote', 'default', 'b');
    expect((await slipway(ws, 'remote', 'default')).stdout).toBe('b\n');
    const removed = JSON.parse(await ok(ws, '--json', 'remote', 'remove', 'b'));
    expect(removed).toEqual({ name: 'b', wasDefault: true });
    expect(await configText()).not.toContain('core');
  });

  it.each([
    [['remote', 'add', 'Bad Name', '/srv'], 2, 'The remote name'],
    [['remote', 'add', 'x', 'gs://bucket'], 2, 'not a remote URL'],
    [['remote', 'add', 'x', 'https://user:secret@example.com'], 2, 'may not contain credentials'],
    [['remote', 'add', 'x', 's3://KEY:SECRET@bucket/p'], 2, 'may not contain credentials'],
    [['remote', 'add', 'x', 's3://bucket?unknown=1'], 2, "Unknown S3 URI option 'unknown'"],
    [['remote', 'add', 'x', 'http://example.com/?token=1'], 2, 'query'],
    [['remote', 'remove', 'nope'], 3, "There is no remote named 'nope'"],
    [['remote', 'default', 'nope'], 3, "There is no remote named 'nope'"],
  ])('refuses %j (exit %i)', async (args, code, message) => {
    const result = await slipway(ws, ...args);
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('secret');
    expect(await configText()).not.toContain('remotes');
  });

  it('refuses a second remote of the same name unless --force', async () => {
    await ok(ws, 'remote', 'add', 'origin', '/srv/a');
    const again = await slipway(ws, 'remote', 'add', 'origin', '/srv/b');
    expect(again.code).toBe(4);
    expect(again.stderr).toContain("A remote named 'origin' already exists (/srv/a)");
    await ok(ws, 'remote', 'add', '--force', 'origin', '/srv/b');
    expect((await list())[0].url).toBe('/srv/b');
  });

  it('refuses a token in the workspace config (it is committed), naming the key', async () => {
    const file = join(ws.cwd, '.slipway', 'config.yaml');
    await writeFile(file, 'schema: 1\nremotes:\n  origin:\n    url: https://example.com\n    token: s3cr3t\n');
    const result = await slipway(ws, 'remote', 'list');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('remotes.origin.token: is a secret and may not be set in a workspace config file');
  });

  it('needs a workspace to add a remote', async () => {
    const result = await slipway({ cwd: dir, homeDir: join(dir, 'home') }, 'remote', 'add', 'origin', '/srv');
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('not a Slipway workspace');
  });
});
