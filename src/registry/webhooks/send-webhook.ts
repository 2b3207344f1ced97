import { OutboundRequestError, sendOutbound } from '../../lib/outbound-request.js';
import { type OutboundPolicy, OutboundUrlError } from '../../lib/outbound-url.js';
import { signWebhook, WEBHOOK_HEADERS } from './sign-webhook.js';
import { WEBHOOK_LIMITS } from './webhook-types.js';

/** The JSON body of every delivery. `time` is the event's, in ms since the epoch. */
export interface WebhookEnvelope {
  readonly id: number;
  readonly kind: string;
  readonly time: number;
  readonly actor: string;
  readonly subject: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Bounds on one delivery attempt. */
export interface WebhookHttpOptions {
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly maxResponseBytes: number;
}

export const DEFAULT_WEBHOOK_HTTP: WebhookHttpOptions = {
  timeoutMs: 10_000,
  maxRedirects: 3,
  maxResponseBytes: 64 * 1024,
};

export interface WebhookTarget {
  readonly url: string;
  readonly secret: string;
  /** Sent as `Slipway-Delivery`: the delivery id, or `test-…` for a ping. */
  readonly deliveryId: string;
}

/** What one attempt came to. `final`: retrying cannot help (the target is refused by the URL rules). */
export interface SendOutcome {
  readonly delivered: boolean;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly final: boolean;
}

const cut = (text: string): string => text.slice(0, WEBHOOK_LIMITS.lastError);

function headersFor(target: WebhookTarget, envelope: WebhookEnvelope, body: string, nowMs: number) {
  return {
    'content-type': 'application/json',
    'user-agent': 'Slipway-Webhooks/1',
    [WEBHOOK_HEADERS.event]: envelope.kind,
    [WEBHOOK_HEADERS.delivery]: target.deliveryId,
    [WEBHOOK_HEADERS.signature]: signWebhook(target.secret, Math.floor(nowMs / 1000), body),
  };
}

function failed(error: unknown): SendOutcome {
  if (error instanceof OutboundUrlError) {
    return { delivered: false, statusCode: null, error: cut(`refused: ${error.message}`), final: !error.transient };
  }
  if (error instanceof OutboundRequestError) {
    return { delivered: false, statusCode: null, error: cut(`${error.kind}: ${error.message}`), final: false };
  }
  throw error;
}

/**
 * POSTs one signed envelope to the target (through the outbound guard) and says how it went. A 2xx answer is a
 * delivery; anything else is a failure worth retrying, except a target the URL rules refuse. Never returns the
 * receiver's body.
 */
export async function sendWebhook(
  target: WebhookTarget,
  envelope: WebhookEnvelope,
  options: { readonly policy: OutboundPolicy; readonly http: WebhookHttpOptions; readonly nowMs: number },
): Promise<SendOutcome> {
  const body = JSON.stringify(envelope);
  const headers = headersFor(target, envelope, body, options.nowMs);
  try {
    const response = await sendOutbound(
      { url: target.url, method: 'POST', headers, body, ...options.http },
      options.policy,
    );
    const ok = response.status >= 200 && response.status < 300;
    const error = ok ? null : `HTTP ${response.status}${response.redirects > 0 ? ` from ${response.url}` : ''}`;
    return { delivered: ok, statusCode: response.status, error: error === null ? null : cut(error), final: false };
  } catch (error) {
    return failed(error);
  }
}
