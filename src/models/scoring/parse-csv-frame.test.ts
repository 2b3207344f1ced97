import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../signature/model-signature.js';
import { parseCsvFrame } from './parse-csv-frame.js';
import { toModelFeeds } from './to-model-feeds.js';

const signature: ModelSignature = {
  inputs: {
    kind: 'columns',
    columns: [
      { name: 'x', type: 'double', required: false },
      { name: 'code', type: 'string', required: true },
    ],
  },
};

describe('parseCsvFrame', () => {
  it('reads a header and rows; text columns stay strings, numbers become numbers, empty cells null', () => {
    const csv = 'x,code\r\n1.5,007\n,"a, ""quoted"" b"\n\n-2e3,x\n';
    expect(parseCsvFrame(csv, signature)).toEqual({
      kind: 'frame',
      columns: ['x', 'code'],
      rows: [
        [1.5, '007'],
        [null, 'a, "quoted" b'],
        [-2000, 'x'],
      ],
    });
  });

  it('feeds the model like the JSON formats, and a bad cell names its column and row', () => {
    const model = {
      signature: {
        inputs: { kind: 'columns' as const, columns: [{ name: 'a', type: 'double' as const, required: true }] },
      },
      inputs: [{ name: 'in', dtype: 'float32' as const, shape: [null, 1] }],
    };
    expect(toModelFeeds(parseCsvFrame('a\n1\n2\n', model.signature), model).rows).toBe(2);
    expect(() => toModelFeeds(parseCsvFrame('a\n1\nabc\n', model.signature), model)).toThrow(/Column "a" row 1: "abc"/);
  });

  it.each([
    ['', /empty/],
    ['a,b\n1\n', /CSV row 0 has 1 values; the header has 2/],
    ['a\n"unterminated\n', /inside a quoted value/],
  ])('refuses %j', (csv, message) => {
    expect(() => parseCsvFrame(csv, undefined)).toThrow(message);
  });

  it('bounds rows and values', () => {
    const limits = { maxRows: 2, maxElements: 100, maxRank: 4 };
    expect(() => parseCsvFrame('a\n1\n2\n3\n', undefined, limits)).toThrow(/more than 2 rows/);
    expect(() => parseCsvFrame(`${'a,'.repeat(200)}a\n`, undefined, limits)).toThrow(/more than 100 values/);
  });
});
