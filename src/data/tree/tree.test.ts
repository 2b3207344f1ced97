import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Digest } from '../../domain/digest.js';
import { compareCodePoints, isSafeRelativePath } from './relative-path.js';
import { parseTree, serializeTree, type TreeEntry } from './tree.js';

const digestOf = (text: string): Digest => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const entry = (path: string, size = 1, mode: 0o644 | 0o755 = 0o644): TreeEntry => ({
  path,
  digest: digestOf(path),
  size,
  mode,
});

describe('serializeTree', () => {
  it('writes canonical JSON: versioned, sorted by path, fixed key order, no whitespace', () => {
    const text = serializeTree([entry('b.csv', 2), entry('a/x.csv', 1, 0o755)]);
    expect(text).toBe(
      `{"kind":"slipway.tree","schema":1,"entries":[{"path":"a/x.csv","digest":"${digestOf('a/x.csv')}","size":1,"mode":493},{"path":"b.csv","digest":"${digestOf('b.csv')}","size":2,"mode":420}]}`,
    );
  });

  it('gives the same bytes whatever the input order', () => {
    const entries = [entry('z'), entry('a/b'), entry('a.txt'), entry('é'), entry('😀'), entry('\uffff')];
    expect(serializeTree(entries)).toBe(serializeTree([...entries].reverse()));
  });

  it('sorts by code point (UTF-8 byte order), not UTF-16 units', () => {
    expect(['😀', '\uffff'].sort(compareCodePoints)).toEqual(['\uffff', '😀']);
    const bytes = (s: string) => Buffer.from(s);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(Buffer.compare(bytes(a), bytes(b))));
      }),
    );
  });
});

describe('parseTree', () => {
  it('round-trips any valid set of entries', () => {
    const segment = fc.stringMatching(/^[a-zA-Z0-9_.é-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
    const paths = fc.uniqueArray(
      fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
      {
        maxLength: 20,
      },
    );
    fc.assert(
      fc.property(paths, (list) => {
        const folders = new Set(
          list.flatMap((p) =>
            p
              .split('/')
              .slice(0, -1)
              .map((_, i, a) => a.slice(0, i + 1).join('/')),
          ),
        );
        const entries = list.filter((p) => !folders.has(p)).map((p) => entry(p));
        const parsed = parseTree(serializeTree(entries), 'test');
        expect(parsed.map((e) => e.path)).toEqual(entries.map((e) => e.path).sort(compareCodePoints));
      }),
    );
  });

  const tree = (entries: unknown[]) => `{"kind":"slipway.tree","schema":1,"entries":${JSON.stringify(entries)}}`;
  const raw = (path: string, extra: Record<string, unknown> = {}) => ({ ...entry('x'), path, ...extra });

  it.each([
    ['../etc/passwd', 'not a safe path'],
    ['/abs', 'not a safe path'],
    ['a//b', 'not a safe path'],
    ['a/./b', 'not a safe path'],
    ['a\\b', 'not a safe path'],
  ])('refuses the path %s', (path, message) => {
    expect(() => parseTree(tree([raw(path)]), 'sha256:x (data)')).toThrow(message);
  });

  it('refuses unsorted or duplicate paths, file/folder clashes, bad fields and other versions', () => {
    expect(() => parseTree(tree([raw('b'), raw('a')]), 't')).toThrow('not strictly sorted');
    expect(() => parseTree(tree([raw('a'), raw('a')]), 't')).toThrow('not strictly sorted');
    expect(() => parseTree(tree([raw('a'), raw('a/b')]), 't')).toThrow('both a file and a folder');
    expect(() => parseTree(tree([raw('a', { size: -1 })]), 't')).toThrow('size');
    expect(() => parseTree(tree([raw('a', { mode: 511 })]), 't')).toThrow('mode');
    expect(() => parseTree(tree([raw('a', { digest: 'md5:x' })]), 't')).toThrow('digest');
    expect(() => parseTree(tree([raw('a', { extra: 1 })]), 't')).toThrow('unknown keys extra');
    expect(() => parseTree('{"kind":"slipway.tree","schema":2,"entries":[]}', 't')).toThrow(
      'unknown format or version',
    );
    const error = (() => {
      try {
        parseTree('nope', 'sha256:abc (data)');
      } catch (caught) {
        return caught as { code: string; message: string };
      }
    })();
    expect(error?.code).toBe('CORRUPT_OBJECT');
    expect(error?.message).toContain('sha256:abc (data)');
  });

  it('knows safe relative paths', () => {
    expect(isSafeRelativePath('a/b.csv')).toBe(true);
    expect(isSafeRelativePath('..')).toBe(false);
    expect(isSafeRelativePath('')).toBe(false);
  });
});
