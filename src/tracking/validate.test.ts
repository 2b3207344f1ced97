import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import { checkArtifactLocation } from './artifact-location.js';
import { checkKey, normpath, pathNotUnique } from './validate.js';

describe('normpath (Python posixpath.normpath)', () => {
  it.each([
    ['', '.'],
    ['a', 'a'],
    ['a/', 'a'],
    ['a//b', 'a/b'],
    ['./a', 'a'],
    ['a/./b', 'a/b'],
    ['a/../b', 'b'],
    ['../a', '../a'],
    ['a/../../b', '../b'],
    ['/a/../..', '/'],
    ['//a', '//a'],
    ['///a', '/a'],
    ['.', '.'],
    ['..', '..'],
  ])('%j → %j', (path, expected) => {
    expect(normpath(path)).toBe(expected);
  });
});

describe('checkKey (MLflow name rules)', () => {
  it.each(['loss', 'val/loss', 'a.b-c_d e', 'epoch:1', 'überé', '数字'])('accepts %j', (key) => {
    expect(() => checkKey('key', key)).not.toThrow();
  });

  it.each([
    '',
    '.',
    '..',
    '../x',
    'a/../b',
    '/abs',
    'a/',
    'a//b',
    './a',
    'a\\b',
    'a\u0000b',
    'a\nb',
    'a$b',
    'x'.repeat(251),
  ])('refuses %j naming the field', (key) => {
    const error = (() => {
      try {
        checkKey('metrics[2].key', key);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((error as SlipwayError).message).toContain("'metrics[2].key'");
  });

  it('never accepts a name that normalizes to another one', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '/', '.', ' ', '-'), maxLength: 12 }), (key) => {
        let accepted = true;
        try {
          checkKey('key', key);
        } catch {
          accepted = false;
        }
        if (accepted) expect(pathNotUnique(key)).toBe(false);
        if (accepted) expect(normpath(key)).toBe(key);
      }),
    );
  });
});

describe('checkArtifactLocation', () => {
  it.each(['mlflow-artifacts:/1', 'mlflow-artifacts:/team-a/churn.v2', 'mlflow-artifacts:/a_b/C9'])(
    'accepts %j',
    (uri) => {
      expect(() => checkArtifactLocation('artifact_location', uri)).not.toThrow();
    },
  );

  it('refuses anything with an encoded, dotted or foreign path', () => {
    const segment = fc.string({
      unit: fc.constantFrom('a', '.', '%', '2', 'e', '/', '\\', '?', '#', ';', ':'),
      maxLength: 10,
    });
    fc.assert(
      fc.property(segment, (rest) => {
        const uri = `mlflow-artifacts:/${rest}`;
        let accepted = true;
        try {
          checkArtifactLocation('artifact_location', uri);
        } catch {
          accepted = false;
        }
        if (accepted) expect(rest.split('/').every((part) => /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(part))).toBe(true);
      }),
    );
  });
});
