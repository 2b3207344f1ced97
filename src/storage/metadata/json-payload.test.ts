import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../domain/errors.js';
import { MAX_PAYLOAD_DEPTH, parsePayload, serializePayload } from './json-payload.js';

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 0; level < depth; level++) value = { n: value };
  return value;
}

describe('serializePayload', () => {
  it('accepts null-prototype objects and serializes them like plain ones', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(serializePayload({ bare })).toBe('{"bare":{"a":1}}');
  });

  it(`accepts ${MAX_PAYLOAD_DEPTH} levels of nesting and refuses one more`, () => {
    expect(serializePayload(nested(MAX_PAYLOAD_DEPTH))).toContain('"n"');
    expect(() => serializePayload(nested(MAX_PAYLOAD_DEPTH + 1))).toThrow(/is nested deeper than 64 levels/);
  });

  it.each([
    [null, 'payload must be a JSON object.'],
    ['text', 'payload must be a JSON object.'],
    [new Map(), 'payload must be a JSON object.'],
    [{ u: undefined }, 'payload.u is a undefined, which is not JSON.'],
    [{ s: Symbol('x') }, 'payload.s is a symbol, which is not JSON.'],
    [{ m: new Map() }, 'payload.m is a Map, which is not JSON.'],
    [{ i: [Number.POSITIVE_INFINITY] }, 'payload.i[0] must be a finite number.'],
  ])('rejects %o', (payload, message) => {
    expect(() => serializePayload(payload)).toThrow(new SlipwayError('INVALID_PARAMETER_VALUE', message));
  });

  it('names the field it was given', () => {
    expect(() => serializePayload({ x: Number.NaN }, 'details')).toThrow('details.x must be a finite number.');
  });
});

describe('parsePayload', () => {
  it('parses objects and drops __proto__ keys at every level', () => {
    const value = parsePayload('{"__proto__":{"x":1},"a":[{"__proto__":null,"b":2}]}', 'event 1');
    expect(value).toEqual({ a: [{ b: 2 }] });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it.each([
    ['[1]', 'The stored payload of event 9 is not a JSON object.'],
    ['nope', 'The stored payload of event 9 is not valid JSON.'],
  ])('reports %s as DATA_LOSS', (text, message) => {
    expect(() => parsePayload(text, 'event 9')).toThrow(new SlipwayError('DATA_LOSS', message));
  });
});
