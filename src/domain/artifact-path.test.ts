import { posix, win32 } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARTIFACT_PATH_LIMITS,
  type ArtifactPath,
  artifactAncestors,
  artifactBaseName,
  isWithinArtifactPath,
  joinArtifactPath,
  parseArtifactPath,
  percentDecodeToFixedPoint,
} from './artifact-path.js';
import { SlipwayError } from './errors.js';
import { P_TRAV, TRAVERSAL_CORES } from './testing/traversal-payloads.js';

function refusal(raw: string, options?: Parameters<typeof parseArtifactPath>[1]): SlipwayError {
  try {
    parseArtifactPath(raw, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SlipwayError);
    return error as SlipwayError;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

const encodeChar = (char: string, upper: boolean): string =>
  [...new TextEncoder().encode(char)]
    .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
    .map((sequence) => (upper ? sequence.toUpperCase() : sequence))
    .join('');

/** One more layer of encoding: every `%` becomes `%25`, and the chosen characters are escaped too. */
const encodeLayer = (text: string, pick: readonly boolean[]): string =>
  [...text]
    .map((char, index) => (char === '%' ? '%25' : pick[index % pick.length] ? encodeChar(char, false) : char))
    .join('');

describe('parseArtifactPath accepts', () => {
  it.each([
    ['model/MLmodel', 'model/MLmodel'],
    ['a b/c d.txt', 'a b/c d.txt'],
    ['a%20b/c%2Fd.txt', 'a b/c/d.txt'],
    ['%25252541', 'A'],
    ['résumé/数据/🍷.csv', 'résumé/数据/🍷.csv'],
    ['r%C3%A9sum%C3%A9', 'résumé'],
    ['acc_99%.png', 'acc_99%.png'],
    ['100%25.txt', '100%.txt'],
    ['.hidden/..dots.txt', '.hidden/..dots.txt'],
    ['12:30/plot.png', '12:30/plot.png'],
    ['a/1:2', 'a/1:2'],
    ['v1.0...final', 'v1.0...final'],
  ])('%j as %j', (raw, canonical) => {
    expect(parseArtifactPath(raw)).toBe(canonical);
  });

  it('takes the empty path and a trailing slash only for directories', () => {
    expect(parseArtifactPath('', { directory: true })).toBe('');
    expect(parseArtifactPath('model/', { directory: true })).toBe('model');
    expect(refusal('').message).toBe('Invalid path: it is empty.');
    expect(refusal('model/').message).toMatch(/empty segment/);
    expect(refusal('model//', { directory: true }).message).toMatch(/empty segment/);
    expect(refusal('/', { directory: true }).message).toMatch(/relative/);
  });
});

describe('parseArtifactPath refuses', () => {
  it.each(P_TRAV)('the P_TRAV payload %j with INVALID_PARAMETER_VALUE', (raw) => {
    const error = refusal(raw);
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toMatch(/^Invalid path: /);
    expect(error.hint).toMatch(/relative to the artifact root/);
    expect(refusal(`0/0123456789abcdef0123456789abcdef/artifacts/${raw}`).code).toBe('INVALID_PARAMETER_VALUE');
    expect(refusal(raw, { directory: true }).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it.each([
    ['../x', /a "\.\." segment/],
    ['a/./x', /a "\." segment/],
    ['. ./x', /only of dots and spaces/],
    ['/x', /must be relative/],
    ['C:x', /URI or holds a Windows drive/],
    ['mlflow-artifacts:/1', /URI/],
    ['a/C:/x', /Windows drive/],
    ['a/file:/x', /URI/],
    ['a\\b', /backslash/],
    ['a#b', /contains "#"/],
    ['a%3Fb', /contains "\?"/],
    ['a;b', /contains ";"/],
    ['a%09b', /control character/],
    ['a\u0085b', /control character/],
    ['a\u202Etxt.exe', /bidirectional/],
    ['a\ud800b', /surrogate/],
    ['a\uFF0Fb', /U\+FF0F, a look-alike/],
    ['a\u2215b', /U\+2215, a look-alike/],
    ['a%ff', /valid UTF-8/],
    ['%252525252e', /still percent-encoded after 4 rounds/],
  ])('%j: %s', (raw, reason) => {
    expect(refusal(raw).message).toMatch(reason);
  });

  it('names the field it was given', () => {
    expect(refusal('../x', { field: 'artifact_path' }).message).toBe(
      'Invalid artifact_path: it contains a ".." segment.',
    );
  });

  it('paths and names beyond the limits', () => {
    const name = 'n'.repeat(ARTIFACT_PATH_LIMITS.maxSegmentBytes);
    expect(parseArtifactPath(name)).toBe(name);
    expect(refusal(`${name}n`).message).toMatch(/longer than 255 bytes/);
    expect(refusal('é'.repeat(128)).message).toMatch(/longer than 255 bytes/);
    const long = Array.from({ length: 6 }, () => 'x'.repeat(200)).join('/');
    expect(refusal(long).message).toMatch(/longer than 1024 bytes/);
    expect(refusal('a'.repeat(ARTIFACT_PATH_LIMITS.maxRawLength + 1)).message).toMatch(/longer than 8192 characters/);
  });
});

describe('helpers', () => {
  const p = (raw: string) => parseArtifactPath(raw, { directory: true });

  it('join, base name, ancestors and containment', () => {
    expect(joinArtifactPath('path', p(''), p('1/r/artifacts'), p('model'))).toBe('1/r/artifacts/model');
    expect(() => joinArtifactPath('path', p('x'.repeat(250)), ...Array(4).fill(p('y'.repeat(250))))).toThrow(
      /full path is longer/,
    );
    expect(artifactBaseName(p('a/b/c.txt'))).toBe('c.txt');
    expect(artifactBaseName(p('c.txt'))).toBe('c.txt');
    expect(artifactAncestors(p('a/b/c'))).toEqual(['a', 'a/b']);
    expect(artifactAncestors(p('a'))).toEqual([]);
    expect(isWithinArtifactPath(p('a/b'), p('a/b/c'))).toBe(true);
    expect(isWithinArtifactPath(p('a/b'), p('a/b'))).toBe(true);
    expect(isWithinArtifactPath(p('a/b'), p('a/bc'))).toBe(false);
    expect(isWithinArtifactPath(p(''), p('z'))).toBe(true);
  });

  it('decodes to a fixed point, leaving stray percent signs', () => {
    expect(percentDecodeToFixedPoint('%252e%2e%')).toBe('..%');
  });
});

/** Strings that encode a traversal core: each character literal or escaped, then 0 to 2 more layers of encoding. */
const encodedTraversal = fc
  .record({
    core: fc.constantFrom(...TRAVERSAL_CORES),
    separator: fc.constantFrom('/', '\\', '%2f', '%2F', '%5c', '%5C'),
    picks: fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
    upper: fc.boolean(),
    layers: fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), { maxLength: 2 }),
  })
  .map(({ core, separator, picks, upper, layers }) => {
    const mixed = core.replace(/\//g, (slash, offset: number) => (picks[offset % picks.length] ? separator : slash));
    const first = [...mixed]
      .map((char, index) => (char !== '%' && picks[index % picks.length] ? encodeChar(char, upper) : char))
      .join('');
    return layers.reduce((text, pick) => encodeLayer(text, pick), first);
  });

const ALPHABET = ['a', 'b', '.', '/', '\\', '%', '2', 'e', 'f', '5', 'c', 'E', 'F', '#', '?', ';', ':', 'C', '\u0000'];
const risky = fc
  .array(fc.constantFrom(...ALPHABET, '\n', ' ', 'é', '😀', '\uFF0E', '\uFF0F', '%2e', '%2f', '%25', '%5c', '%00'), {
    maxLength: 24,
  })
  .map((parts) => parts.join(''));

const assertCanonicalAndContained = (path: ArtifactPath): void => {
  expect(parseArtifactPath(path)).toBe(path);
  expect(percentDecodeToFixedPoint(path)).toBe(path);
  for (const segment of path.split('/')) expect(['', '.', '..']).not.toContain(segment);
  expect(path).not.toMatch(/[\\#?;\p{Cc}]|^\/|^[A-Za-z][A-Za-z0-9+.-]*:/u);
  expect(posix.resolve('/srv/store/root', path).startsWith('/srv/store/root/')).toBe(true);
  expect(win32.resolve('C:\\store\\root', path).startsWith('C:\\store\\root\\')).toBe(true);
};

describe('properties', () => {
  it('refuses every encoding of every traversal core (1 to 3 layers, mixed separators)', () => {
    fc.assert(
      fc.property(encodedTraversal, (raw) => {
        expect(refusal(raw).code).toBe('INVALID_PARAMETER_VALUE');
      }),
      { numRuns: 2000 },
    );
  });

  it('returns only canonical, contained paths, whatever it is given', () => {
    fc.assert(
      fc.property(risky, fc.boolean(), (raw, directory) => {
        let path: ArtifactPath;
        try {
          path = parseArtifactPath(raw, { directory });
        } catch (error) {
          expect((error as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
          return;
        }
        if (path !== '') assertCanonicalAndContained(path);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives back the exact names of any percent-encoded path of ordinary names', () => {
    const name = fc
      .string({
        unit: fc.constantFrom('a', 'Z', '0', '-', '_', ' ', '.', 'é', '数', '🍷', '+', '@', '(', '~'),
        minLength: 1,
      })
      .filter((segment) => !/^[. ]+$/.test(segment));
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 6 }), fc.boolean(), (segments, encode) => {
        const path = segments.join('/');
        const raw = encode ? segments.map(encodeURIComponent).join('/') : path;
        expect(parseArtifactPath(raw)).toBe(path);
      }),
    );
  });
});
