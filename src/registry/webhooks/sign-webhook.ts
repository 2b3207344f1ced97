import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a delivery (docs/webhooks.md). */
export const WEBHOOK_HEADERS = {
  signature: 'slipway-signature',
  event: 'slipway-event',
  delivery: 'slipway-delivery',
} as const;

/** Receivers should refuse a signature older than this (replays); the default of verifyWebhookSignature. */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

const hmac = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/** The `Slipway-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

export interface VerifySignatureInput {
  readonly secret: string;
  /** The raw request body, exactly as received. */
  readonly body: string;
  readonly header: string;
  /** Unix seconds; defaults to now. */
  readonly now?: number;
  readonly toleranceS?: number;
}

/**
 * Checks a `Slipway-Signature` header as a receiver would: a `v1` HMAC that matches (compared in constant time)
 * and a timestamp within the tolerance of now. Usable from the SDK by receivers written in TypeScript.
 */
export function verifyWebhookSignature(input: VerifySignatureInput): boolean {
  const fields = new Map<string, string>();
  for (const part of input.header.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const timestamp = Number(fields.get('t'));
  const given = fields.get('v1');
  if (!Number.isSafeInteger(timestamp) || given === undefined || !/^[0-9a-f]{64}$/.test(given)) return false;
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (input.toleranceS ?? DEFAULT_SIGNATURE_TOLERANCE_S)) return false;
  const expected = hmac(input.secret, timestamp, input.body);
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}
