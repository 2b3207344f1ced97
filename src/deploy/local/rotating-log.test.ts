import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingLog } from './rotating-log.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-rotating-log-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('RotatingLog', () => {
  it('appends to an existing file and rotates to .1 past the limit', async () => {
    const path = join(dir, 'wine-staging.log');
    const first = new RotatingLog(path, 20);
    first.write('0123456789');
    first.close();
    const log = new RotatingLog(path, 20);
    log.write('abcdefghij');
    log.write('klm');
    log.write(Buffer.from('nop'));
    log.close();
    expect(await readFile(`${path}.1`, 'utf8')).toBe('0123456789abcdefghij');
    expect(await readFile(path, 'utf8')).toBe('klmnop');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('keeps only one previous file', async () => {
    const path = join(dir, 'a.log');
    const log = new RotatingLog(path, 4);
    for (const chunk of ['1111', '2222', '3333']) log.write(chunk);
    log.close();
    expect(await readFile(`${path}.1`, 'utf8')).toBe('2222');
    expect(await readFile(path, 'utf8')).toBe('3333');
  });

  it('writes timestamped supervisor lines and drops writes after close', async () => {
    const path = join(dir, 'b.log');
    const log = new RotatingLog(path, 1024);
    log.line('started pid 42');
    log.close();
    log.write('late');
    expect(await readFile(path, 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[supervisor\] started pid 42\n$/);
  });

  it('never throws when the file cannot be written', async () => {
    const log = new RotatingLog(join(dir, 'missing', 'c.log'), 1024);
    expect(() => log.write('lost')).not.toThrow();
    // The supervisor keeps going without its log; nothing is written elsewhere in its place.
    expect(await readdir(dir)).not.toContain('missing');
    const other = new RotatingLog(join(dir, 'd.log'), 1024);
    other.write('kept');
    other.close();
    expect(await readFile(join(dir, 'd.log'), 'utf8')).toBe('kept');
  });
});
