import { ALL_WEBHOOK_EVENTS, WEBHOOK_EVENT_KINDS } from '../../contract/webhooks-api.js';
import { invalidParameter, notFound, type SlipwayError } from '../../domain/errors.js';
import { checkOutboundUrl, type OutboundPolicy, OutboundUrlError } from '../../lib/outbound-url.js';
import type { WebhookSubscriptionRow } from '../../storage/metadata/schema.js';
import type { Db } from '../../storage/metadata/tracking/db.js';
import { selectSubscription } from '../../storage/metadata/webhooks/subscriptions.js';
import { WEBHOOK_LIMITS } from './webhook-types.js';

const CONTROL = /[\p{Cc}\p{Cs}]/u;
const SECRET = /^[\x21-\x7e]+$/;
const KNOWN_KINDS: ReadonlySet<string> = new Set([...WEBHOOK_EVENT_KINDS, ALL_WEBHOOK_EVENTS]);

/** A JSON rendering of a value for messages, cut to about 100 characters. */
const shown = (value: string): string => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);

const invalidField = (field: string, value: string, problem: string, hint: string): SlipwayError =>
  invalidParameter(`Invalid value ${shown(value)} for parameter '${field}': ${problem}.`, { hint });

/**
 * Checks a target URL as deliveries will: http(s), no credentials, and every address the host resolves to
 * allowed by the policy (no loopback, private, link-local or metadata address unless private targets are allowed).
 */
export async function checkWebhookUrl(field: string, url: string, policy: OutboundPolicy): Promise<void> {
  try {
    await checkOutboundUrl(url, policy);
  } catch (error) {
    if (!(error instanceof OutboundUrlError)) throw error;
    throw invalidField(field, url, `the URL ${error.message}`, urlHint(policy));
  }
}

const urlHint = (policy: OutboundPolicy): string =>
  policy.allowPrivateTargets
    ? 'Use an http(s) URL whose host resolves; cloud metadata addresses are always refused.'
    : 'Use a public http(s) URL. To deliver to a receiver on a private network or this machine, set webhooks.allowPrivateTargets (docs/webhooks.md).';

/** Event kinds: a non-empty list of known kinds (or `*`), without duplicates; returned sorted. */
export function checkEventKinds(field: string, kinds: readonly string[]): string[] {
  if (kinds.length === 0 || kinds.length > WEBHOOK_LIMITS.maxEventKinds) {
    throw invalidParameter(
      `'${field}' must list 1 to ${WEBHOOK_LIMITS.maxEventKinds} event kinds (got ${kinds.length}).`,
      {
        hint: `Name kinds such as model_version.created or alias.set, or "${ALL_WEBHOOK_EVENTS}" for all.`,
      },
    );
  }
  kinds.forEach((kind, index) => {
    if (!KNOWN_KINDS.has(kind)) {
      throw invalidField(
        `${field}[${index}]`,
        kind,
        'it is not a registry event kind',
        `Known kinds: ${[...KNOWN_KINDS].join(', ')}.`,
      );
    }
  });
  return [...new Set(kinds)].sort();
}

/** A model name (not required to exist yet), NFC-normalised as the registry stores names. */
export function checkModelName(field: string, name: string): string {
  const normalised = name.normalize('NFC');
  if (normalised.trim() === '' || normalised.length > WEBHOOK_LIMITS.modelName || CONTROL.test(normalised)) {
    throw invalidField(
      field,
      name,
      `a model name has 1 to ${WEBHOOK_LIMITS.modelName} characters, no control characters`,
      'Give the registered model name, or leave it out for every model.',
    );
  }
  return normalised;
}

export function checkSecret(field: string, secret: string): string {
  const { minSecret, maxSecret } = WEBHOOK_LIMITS;
  if (secret.length < minSecret || secret.length > maxSecret || !SECRET.test(secret)) {
    throw invalidParameter(
      `Invalid value for parameter '${field}': a secret has ${minSecret} to ${maxSecret} printable ASCII characters without spaces.`,
      {
        hint: 'Leave it out and the server generates one.',
      },
    );
  }
  return secret;
}

export function checkDescription(field: string, description: string): string {
  if (description.length > WEBHOOK_LIMITS.description || description.includes('\u0000')) {
    throw invalidField(
      field,
      description,
      `a description has at most ${WEBHOOK_LIMITS.description} characters and no NUL`,
      'Shorten it.',
    );
  }
  return description;
}

/** The subscription an id names, or RESOURCE_DOES_NOT_EXIST. */
export async function requireWebhook(db: Db, id: number): Promise<WebhookSubscriptionRow> {
  const row = Number.isSafeInteger(id) && id > 0 ? await selectSubscription(db, id) : undefined;
  if (row === undefined) {
    throw notFound(`No webhook with id=${id} exists.`, {
      hint: 'List webhooks with GET /api/v1/webhooks or `slipway models webhooks list`.',
    });
  }
  return row;
}
