import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_TOKEN_LENGTH, signPageToken, verifyPageToken } from './page-token.js';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);

describe('page tokens', () => {
  it('round-trips a JSON payload', () => {
    const payload = { run: 'abc', step: -3, value: 'Infinity', nested: [1, { a: null }] };
    const token = signPageToken(key, 'metric-history', payload);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyPageToken(key, 'metric-history', token)).toEqual({ ok: true, payload });
  });

  it('refuses a token signed with another key or for another purpose', () => {
    const token = signPageToken(key, 'metric-history', { offset: 1 });
    expect(verifyPageToken(otherKey, 'metric-history', token)).toEqual({ ok: false, problem: 'bad signature' });
    expect(verifyPageToken(key, 'search-runs', token)).toEqual({ ok: false, problem: 'bad signature' });
  });

  it('refuses a token whose payload was altered, even with a re-encoded body', () => {
    const token = signPageToken(key, 'p', { offset: 1 });
    const [, signature] = token.split('.');
    const forged = `${Buffer.from('{"offset":1000000}').toString('base64url')}.${signature}`;
    expect(verifyPageToken(key, 'p', forged)).toEqual({ ok: false, problem: 'bad signature' });
  });

  it.each([
    ['', 'malformed'],
    ['abc', 'malformed'],
    ['a.b.c', 'malformed'],
    ['a b.c', 'malformed'],
    ["' OR 1=1 --.x", 'malformed'],
    ['eyJ9.AAAA', 'bad signature'],
    ['x'.repeat(MAX_PAGE_TOKEN_LENGTH + 1), 'too long'],
  ])('refuses %j as %s', (token, problem) => {
    expect(verifyPageToken(key, 'p', token)).toEqual({ ok: false, problem });
  });

  it('never throws and never accepts arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (token) => {
        expect(verifyPageToken(key, 'p', token).ok).toBe(false);
      }),
    );
  });

  it('drops __proto__ keys from payloads', () => {
    const token = signPageToken(key, 'p', JSON.parse('{"__proto__":{"polluted":true},"a":1}'));
    const result = verifyPageToken(key, 'p', token);
    expect(result).toEqual({ ok: true, payload: { a: 1 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
