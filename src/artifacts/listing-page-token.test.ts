import { describe, expect, it } from 'vitest';
import { decodeListingToken, encodeListingToken } from './listing-page-token.js';

describe('listing page tokens', () => {
  it('round-trip a cursor', () => {
    for (const cursor of [
      { name: 'a b', isDir: true },
      { name: '🍷.txt', isDir: false },
    ]) {
      expect(decodeListingToken(encodeListingToken(cursor))).toEqual(cursor);
    }
  });

  it.each([
    'garbage',
    '',
    Buffer.from('{"v":2,"name":"a","dir":true}').toString('base64url'),
    Buffer.from('{"v":1,"name":"a/b","dir":true}').toString('base64url'),
    Buffer.from('{"v":1,"name":"a","dir":true,"x":1}').toString('base64url'),
    'A'.repeat(5000),
  ])('refuse %j', (token) => {
    expect(() => decodeListingToken(token)).toThrow(/Invalid page_token: it is not a token this server issued/);
  });
});
