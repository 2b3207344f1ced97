import { createHmac, timingSafeEqual } from 'node:crypto';

/** Tokens longer than this are refused before any decoding (a token carries a few small fields). */
export const MAX_PAGE_TOKEN_LENGTH = 4096;

/** Why a token was refused; callers turn it into their own error (never echo the token back). */
export type PageTokenProblem = 'malformed' | 'too long' | 'bad signature';

export type VerifiedPageToken =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly problem: PageTokenProblem };

const mac = (key: Uint8Array, purpose: string, body: string): Buffer =>
  createHmac('sha256', key).update(purpose).update('\n').update(body).digest();

/**
 * An opaque page token: `base64url(JSON payload).base64url(HMAC-SHA256(key, purpose + "\n" + body))`. The
 * purpose (e.g. `metric-history`) is part of the MAC, so a token minted for one listing is refused by another.
 * The payload is readable by whoever holds the token: put positions in it, never secrets.
 */
export function signPageToken(key: Uint8Array, purpose: string, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(key, purpose, body).toString('base64url')}`;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Checks the signature (in constant time) before parsing anything; returns the payload or why it was refused. */
export function verifyPageToken(key: Uint8Array, purpose: string, token: string): VerifiedPageToken {
  if (token.length > MAX_PAGE_TOKEN_LENGTH) return { ok: false, problem: 'too long' };
  const [body, signature, extra] = token.split('.');
  if (body === undefined || signature === undefined || extra !== undefined) return { ok: false, problem: 'malformed' };
  if (!BASE64URL.test(body) || !BASE64URL.test(signature)) return { ok: false, problem: 'malformed' };
  const expected = mac(key, purpose, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, problem: 'bad signature' };
  try {
    const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'), dropPrototypeKeys);
    return { ok: true, payload };
  } catch {
    return { ok: false, problem: 'malformed' };
  }
}

const dropPrototypeKeys = (key: string, value: unknown): unknown => (key === '__proto__' ? undefined : value);
