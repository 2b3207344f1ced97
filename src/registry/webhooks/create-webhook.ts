import { randomBytes } from 'node:crypto';
import { SlipwayError } from '../../domain/errors.js';
import { countSubscriptions, insertSubscription } from '../../storage/metadata/webhooks/subscriptions.js';
import { checkDescription, checkEventKinds, checkModelName, checkSecret, checkWebhookUrl } from './validate-webhook.js';
import { toWebhook } from './webhook-rows.js';
import { type CreatedWebhook, clock, WEBHOOK_LIMITS, type WebhookDeps } from './webhook-types.js';

export interface CreateWebhookInput {
  readonly url: string;
  /** A registered model name; absent or null subscribes to every model. */
  readonly model?: string | null | undefined;
  /** Event kinds (`model_version.created`, `alias.set`, …) or `*`. */
  readonly events: readonly string[];
  /** Absent: a random one is generated. */
  readonly secret?: string | undefined;
  readonly description?: string | undefined;
}

/** `whsec_` and 32 random bytes in hex. */
const generateSecret = (): string => `whsec_${randomBytes(32).toString('hex')}`;

/**
 * Subscribes a URL to registry events. The URL is checked as deliveries will be (scheme, credentials, every
 * resolved address against the outbound policy). Returns the subscription and its secret, shown only here.
 */
export async function createWebhook(deps: WebhookDeps, input: CreateWebhookInput): Promise<CreatedWebhook> {
  const events = checkEventKinds('events', input.events);
  const model = input.model == null ? null : checkModelName('model', input.model);
  const secret = input.secret === undefined ? generateSecret() : checkSecret('secret', input.secret);
  const description = checkDescription('description', input.description ?? '');
  await checkWebhookUrl('url', input.url, deps.outbound);
  const { db } = deps.metadata;
  if ((await countSubscriptions(db)) >= WEBHOOK_LIMITS.maxSubscriptions) {
    throw new SlipwayError(
      'RESOURCE_EXHAUSTED',
      `This store already has ${WEBHOOK_LIMITS.maxSubscriptions} webhooks.`,
      {
        hint: 'Delete unused webhooks, or subscribe one receiver to several kinds with a single webhook.',
      },
    );
  }
  const eventKinds = JSON.stringify(events);
  const row = await insertSubscription(db, {
    url: input.url,
    modelName: model,
    eventKinds,
    secret,
    description,
    active: true,
    createdTime: clock(deps),
  });
  return { webhook: toWebhook(row), secret };
}
