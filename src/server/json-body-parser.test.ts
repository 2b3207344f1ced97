import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from './json-body-parser.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** The nesting depth of a parsed value: what the byte scan must agree with. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('exceedsJsonDepth', () => {
  it('agrees with the depth of the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, max) => {
        const text = JSON.stringify(value);
        expect(exceedsJsonDepth(bytes(text), max)).toBe(depthOf(value) > max);
      }),
    );
  });

  it('skips brackets inside strings, escaped quotes and multi-byte characters', () => {
    expect(exceedsJsonDepth(bytes(JSON.stringify({ a: '[[[{{{', b: 'x\\"[[', c: 'é[日本]' })), 1)).toBe(false);
    expect(exceedsJsonDepth(bytes('{"a":"\\\\"}'), 1)).toBe(false);
    expect(exceedsJsonDepth(bytes('{"a":"\\\\",   "b":[[]]}'), 2)).toBe(true);
  });

  it('stops at the first level past the limit', () => {
    expect(exceedsJsonDepth(bytes(`${'['.repeat(65)}`), 64)).toBe(true);
    expect(exceedsJsonDepth(bytes(`${'['.repeat(64)}${']'.repeat(64)}`), 64)).toBe(false);
  });
});
