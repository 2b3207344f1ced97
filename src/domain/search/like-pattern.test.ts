import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { likePatternProblem, likeToGlob, matchesLike } from './like-pattern.js';

describe('likeToGlob', () => {
  it.each<[string, string]>([
    ['abc', 'abc'],
    ['a%', 'a*'],
    ['%a_c%', '*a?c*'],
    ['100\\%', '100%'],
    ['a\\_b', 'a_b'],
    ['a\\\\b', 'a\\b'],
    ['*?[x]', '[*][?][[]x]'],
    ['\\*', '[*]'],
    ['', ''],
  ])('%j → %j', (like, glob) => {
    expect(likeToGlob(like)).toBe(glob);
  });
});

describe('likePatternProblem', () => {
  it('accepts ordinary patterns and refuses a dangling escape', () => {
    expect(likePatternProblem('%abc_\\%')).toBeUndefined();
    expect(likePatternProblem('abc\\')).toContain('ends with the escape character');
    expect(likePatternProblem('abc\\\\')).toBeUndefined();
  });

  it('counts only unescaped wildcards', () => {
    expect(likePatternProblem('\\%'.repeat(50))).toBeUndefined();
    expect(likePatternProblem('%'.repeat(9))).toContain("9 '%' wildcards");
  });
});

describe('matchesLike (the reference semantics the SQL must agree with)', () => {
  it.each<[string, string, boolean, boolean]>([
    ['wine-red', 'wine%', false, true],
    ['Wine-red', 'wine%', false, false],
    ['Wine-red', 'wine%', true, true],
    ['abc', 'a_c', false, true],
    ['abbc', 'a_c', false, false],
    ['100%', '100\\%', false, true],
    ['1000', '100\\%', false, false],
    ['a_b', 'a\\_b', false, true],
    ['axb', 'a\\_b', false, false],
    ['line\nbreak', 'line%', false, true],
  ])('%j LIKE %j (ignoreCase %s) is %s', (value, pattern, ignoreCase, expected) => {
    expect(matchesLike(value, pattern, ignoreCase)).toBe(expected);
  });

  it('matches every string against its own escaped form', () => {
    const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => matchesLike(s, escapeLike(s))));
  });
});
