import type { WEBHOOK_EVENT_KINDS } from '../contract/webhooks-api.js';
import { type AuditEvent, appendEvent } from '../storage/metadata/events.js';
import { modelSubject, versionSubject } from '../storage/metadata/registry/model-events.js';
import type { Db } from '../storage/metadata/tracking/db.js';
import type { RegistryDeps } from './types.js';
import { enqueueWebhookDeliveries } from './webhooks/enqueue-webhook-deliveries.js';

/** Every kind of registry event: the wire list webhook subscriptions name (contract/webhooks-api.ts). */
export type RegistryEventKind = (typeof WEBHOOK_EVENT_KINDS)[number];

type JsonScalar = string | number | boolean | null;

export interface RegistryEvent {
  readonly kind: RegistryEventKind;
  /** The registered model's name (after a rename: the new name). */
  readonly model: string;
  /** The version it is about; makes the subject `models/<name>/versions/<n>` unless `alias` is set. */
  readonly version?: number | undefined;
  readonly alias?: string | undefined;
  /** The state before and after the change (a version number as a string, a stage, a tag value, a name…). */
  readonly before?: JsonScalar | undefined;
  readonly after?: JsonScalar | undefined;
  /** Anything else worth keeping (tag key, semver, digest…). */
  readonly details?: Readonly<Record<string, JsonScalar>> | undefined;
}

/** The actor of the use case: whoever the composition root says is acting, else `anonymous`. */
export const actorOf = (deps: Pick<RegistryDeps, 'actor'>): string => deps.actor || 'anonymous';

/**
 * Appends a registry event to the audit log. Call it with the transaction that makes the change, so that the
 * change and its event commit (or roll back) together. Alias events are about the model (`models/<name>`); the
 * others about the version when there is one. The payload always has `model`, and `version`, `alias`, `before`,
 * `after` where they apply (versions as MLflow's decimal strings). Webhook deliveries for the event are queued in
 * the same transaction (rows only; the dispatcher sends them later).
 */
export async function recordRegistryEvent(
  trx: Db,
  deps: Pick<RegistryDeps, 'actor'>,
  time: number,
  event: RegistryEvent,
): Promise<AuditEvent> {
  const onVersion = event.version !== undefined && event.alias === undefined;
  const payload = {
    ...event.details,
    model: event.model,
    ...(event.version === undefined ? {} : { version: String(event.version) }),
    ...(event.alias === undefined ? {} : { alias: event.alias }),
    ...(event.before === undefined ? {} : { before: event.before }),
    ...(event.after === undefined ? {} : { after: event.after }),
  };
  const stored = await appendEvent(trx, {
    time,
    actor: actorOf(deps),
    kind: event.kind,
    subject: onVersion ? versionSubject(event.model, event.version as number) : modelSubject(event.model),
    payload,
  });
  await enqueueWebhookDeliveries(trx, stored);
  return stored;
}
