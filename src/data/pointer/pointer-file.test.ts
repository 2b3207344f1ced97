import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatPointer, type Pointer, parsePointer, readPointerFile, writePointerFile } from './pointer-file.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const pointer: Pointer = { schema: 1, path: 'images', digest: DIGEST as Pointer['digest'], size: 10, files: 2 };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-pointer-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const problems = (text: string): string => {
  try {
    parsePointer(text, 'data/images.slip');
  } catch (error) {
    expect((error as { code: string }).code).toBe('INVALID_PARAMETER_VALUE');
    return (error as Error).message;
  }
  throw new Error('expected the pointer to be refused');
};

describe('pointer files', () => {
  it('formats in a fixed key order and parses back', () => {
    const text = formatPointer({ ...pointer, desc: 'cats', meta: { owner: 'ml' } });
    expect(text).toBe(
      `schema: 1\npath: images\ndigest: ${DIGEST}\nsize: 10\nfiles: 2\ndesc: cats\nmeta:\n  owner: ml\n`,
    );
    expect(parsePointer(text, 'x.slip')).toEqual({ ...pointer, desc: 'cats', meta: { owner: 'ml' } });
  });

  it('reports every problem with file, line and key', () => {
    const message = problems('schema: 2\npath: ../etc\ndigest: md5:abc\nsize: -1\ncolour: red\n');
    expect(message).toContain('5 problems');
    expect(message).toContain('data/images.slip:1: schema: must be 1');
    expect(message).toContain('data/images.slip:2: path: must be a relative path');
    expect(message).toContain('data/images.slip:3: digest: must be "sha256:"');
    expect(message).toContain('data/images.slip:4: size: must not be negative');
    expect(message).toContain('data/images.slip:5: colour: unknown key');
  });

  it.each([
    ['an absolute path', `schema: 1\npath: /etc/passwd\ndigest: ${DIGEST}\nsize: 1\n`, 'path: must be a relative path'],
    ['invalid YAML', 'schema: [1\n', 'invalid YAML'],
    ['aliases', `schema: 1\npath: &p a\ndesc: *p\ndigest: ${DIGEST}\nsize: 1\n`, 'aliases'],
    ['a missing digest', 'schema: 1\npath: a\nsize: 1\n', 'digest'],
    ['a list', '- 1\n', '(top level)'],
  ])('refuses %s', (_name, text, expected) => {
    expect(problems(text)).toContain(expected);
  });

  it('writes atomically and only when the content changes', async () => {
    const file = join(dir, 'images.slip');
    expect(await writePointerFile(file, pointer)).toBe(true);
    expect(await writePointerFile(file, pointer)).toBe(false);
    expect(await readPointerFile(file)).toEqual(pointer);
    await writeFile(file, 'schema: 1\n');
    await expect(readPointerFile(file, 'images.slip')).rejects.toThrow('images.slip: path');
    await expect(readPointerFile(join(dir, 'none.slip'), 'none.slip')).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
    expect(await readFile(file, 'utf8')).toBe('schema: 1\n');
  });
});
