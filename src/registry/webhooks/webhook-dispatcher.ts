import { mapConcurrent } from '../../lib/map-concurrent.js';
import type { OutboundPolicy } from '../../lib/outbound-url.js';
import { parsePayload } from '../../storage/metadata/json-payload.js';
import type { MetadataStore } from '../../storage/metadata/open-metadata.js';
import {
  claimDueDeliveries,
  type DeliveryWork,
  recordDeliveryOutcome,
  selectDeliveryWork,
} from '../../storage/metadata/webhooks/deliveries.js';
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule, retryDelayMs } from './retry-schedule.js';
import { DEFAULT_WEBHOOK_HTTP, type SendOutcome, sendWebhook, type WebhookHttpOptions } from './send-webhook.js';

/** The slice of a pino logger the dispatcher writes to. */
export interface DispatcherLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface WebhookDispatcherDeps {
  readonly metadata: Pick<MetadataStore, 'db'>;
  readonly outbound: OutboundPolicy;
  readonly logger?: DispatcherLogger;
  readonly now?: () => number;
  /** In [0, 1): the jitter of retry delays. */
  readonly random?: () => number;
}

export interface WebhookDispatcherOptions {
  /** How often an idle dispatcher looks for due deliveries. */
  readonly pollIntervalMs?: number;
  /** Deliveries claimed per poll; a full batch is followed by another poll at once. */
  readonly batchSize?: number;
  /** Deliveries in flight at once. */
  readonly concurrency?: number;
  readonly retry?: RetrySchedule;
  readonly http?: WebhookHttpOptions;
}

export interface WebhookDispatcher {
  /** Claims due deliveries once and sends them; resolves with how many it claimed. */
  runOnce(): Promise<number>;
  /** Starts polling every pollIntervalMs (runOnce at once). */
  start(): void;
  /** Stops polling and waits for the deliveries in flight (each bounded by the HTTP timeout). */
  stop(): Promise<void>;
}

const SILENT: DispatcherLogger = { info: () => {}, warn: () => {}, error: () => {} };
/** A claimed delivery is not due again for its HTTP timeout plus this margin (a dead replica's rows come back). */
const LEASE_MARGIN_MS = 60_000;

interface Settings {
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly retry: RetrySchedule;
  readonly http: WebhookHttpOptions;
}

const settingsOf = (options: WebhookDispatcherOptions): Settings => ({
  pollIntervalMs: options.pollIntervalMs ?? 1000,
  batchSize: options.batchSize ?? 20,
  concurrency: options.concurrency ?? 8,
  retry: options.retry ?? DEFAULT_RETRY_SCHEDULE,
  http: options.http ?? DEFAULT_WEBHOOK_HTTP,
});

/**
 * Drains the webhook outbox: claims due deliveries (safely across replicas sharing one database), POSTs each signed
 * event through the outbound guard, and records status code, attempts and last error on the row; failures are
 * retried with exponential backoff and jitter until `retry.maxAttempts`, then the row is `failed`. Registry writes
 * never wait for it: they only insert rows.
 */
export function createWebhookDispatcher(
  deps: WebhookDispatcherDeps,
  options: WebhookDispatcherOptions = {},
): WebhookDispatcher {
  const settings = settingsOf(options);
  const runOnce = () => dispatchDue(deps, settings);
  return { runOnce, ...pollLoop(runOnce, settings, deps.logger ?? SILENT) };
}

function pollLoop(runOnce: () => Promise<number>, settings: Settings, logger: DispatcherLogger) {
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    try {
      while (!stopped && (await runOnce()) === settings.batchSize) {}
    } catch (error) {
      logger.error({ err: error }, 'webhook dispatcher: polling failed');
    }
  };
  const tick = (): void => {
    running = drain().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(tick, settings.pollIntervalMs).unref();
    });
  };
  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function dispatchDue(deps: WebhookDispatcherDeps, settings: Settings): Promise<number> {
  const now = (deps.now ?? Date.now)();
  const leaseUntil = now + settings.http.timeoutMs + LEASE_MARGIN_MS;
  const claimed = await claimDueDeliveries(deps.metadata.db, { now, leaseUntil, limit: settings.batchSize });
  const attempts = new Map(claimed.map((row) => [row.id, row.attempts]));
  const work = await selectDeliveryWork(
    deps.metadata.db,
    claimed.map((row) => row.id),
  );
  await mapConcurrent(work, settings.concurrency, (item) =>
    deliverOne(deps, settings, item, attempts.get(item.id) ?? 1).catch((error: unknown) => {
      deps.logger?.error({ err: error, delivery: item.id }, 'webhook dispatcher: delivery failed unexpectedly');
    }),
  );
  return claimed.length;
}

const envelopeOf = (work: DeliveryWork) => ({
  id: work.event_id,
  kind: work.event_kind,
  time: work.event_time,
  actor: work.event_actor,
  subject: work.event_subject,
  payload: parsePayload(work.event_payload, `event ${work.event_id}`),
});

/** Sends one delivery and records the outcome; an unexpected error (a corrupt event) fails the row for good. */
async function deliverOne(deps: WebhookDispatcherDeps, settings: Settings, work: DeliveryWork, attempt: number) {
  const nowMs = (deps.now ?? Date.now)();
  const target = { url: work.url, secret: work.secret, deliveryId: String(work.id) };
  let outcome: SendOutcome;
  try {
    outcome = await sendWebhook(target, envelopeOf(work), { policy: deps.outbound, http: settings.http, nowMs });
  } catch (error) {
    deps.logger?.error({ err: error, delivery: work.id }, 'webhook delivery failed unexpectedly');
    const message = error instanceof Error ? error.message : String(error);
    outcome = { delivered: false, statusCode: null, error: `internal: ${message.slice(0, 200)}`, final: true };
  }
  await record(deps, settings, work, attempt, outcome);
}

async function record(
  deps: WebhookDispatcherDeps,
  settings: Settings,
  work: DeliveryWork,
  attempt: number,
  outcome: SendOutcome,
): Promise<void> {
  const now = (deps.now ?? Date.now)();
  const giveUp = outcome.final || attempt >= settings.retry.maxAttempts;
  const status = outcome.delivered ? 'delivered' : giveUp ? 'failed' : 'pending';
  const delay = status === 'pending' ? retryDelayMs(settings.retry, attempt, deps.random ?? Math.random) : 0;
  const recorded = await recordDeliveryOutcome(deps.metadata.db, {
    id: work.id,
    attempts: attempt,
    status,
    nextAttemptTime: now + delay,
    lastStatusCode: outcome.statusCode,
    lastError: outcome.error,
    now,
  });
  const fields = { delivery: work.id, event: work.event_id, attempt, status, code: outcome.statusCode };
  if (!recorded) deps.logger?.warn(fields, 'webhook delivery changed meanwhile (deleted or re-claimed)');
  else if (status === 'failed') deps.logger?.warn({ ...fields, error: outcome.error }, 'webhook delivery failed');
  else if (status === 'pending')
    deps.logger?.info({ ...fields, error: outcome.error }, 'webhook delivery will be retried');
}
