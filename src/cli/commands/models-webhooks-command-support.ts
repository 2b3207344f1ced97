import { loadConfig } from '../../config/load-config.js';
import { invalidParameter } from '../../domain/errors.js';
import type { Webhook, WebhookDelivery } from '../../registry/webhooks/webhook-types.js';
import type { WebhooksClient } from '../../registry/webhooks/webhooks-client.js';
import type { CliContext } from '../cli-context.js';
import { formatTime, type TrackingOptions, table, trackingUriFor } from './tracking-command-support.js';

type Opener = (uri: string, allowPrivateTargets: boolean) => Promise<WebhooksClient>;

async function openSql(uri: string, allowPrivateTargets: boolean): Promise<WebhooksClient> {
  const [{ openMetadata }, { createSqlWebhooksClient }] = await Promise.all([
    import('../../storage/metadata/open-metadata.js'),
    import('../../registry/webhooks/sql-webhooks-client.js'),
  ]);
  const metadata = await openMetadata(uri);
  return createSqlWebhooksClient({ metadata, outbound: { allowPrivateTargets } }, () => metadata.close());
}

async function openHttp(uri: string): Promise<WebhooksClient> {
  const { createHttpWebhooksClient } = await import('../../client/http-webhooks-client.js');
  return createHttpWebhooksClient({ baseUrl: uri });
}

/** Tracking URI scheme → webhooks client, as for tracking: direct on the database, or a server's native API. */
const OPENERS: Readonly<Record<string, Opener>> = {
  sqlite: openSql,
  postgresql: openSql,
  postgres: openSql,
  http: openHttp,
  https: openHttp,
};

function openerFor(uri: string): Opener {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  const opener = scheme !== undefined && Object.hasOwn(OPENERS, scheme) ? OPENERS[scheme] : undefined;
  if (opener !== undefined) return opener;
  throw invalidParameter(
    `Unknown tracking URI scheme "${scheme ?? ''}:"; known schemes: ${Object.keys(OPENERS).join(', ')}.`,
    {
      hint: 'Use sqlite:///path/slipway.db, postgresql://user@host/db or http://host:5000.',
    },
  );
}

/**
 * Opens the webhooks client the options or the configuration name (the same tracking URI as every registry
 * command), runs `fn`, and closes it. Direct access applies this machine's webhooks.allowPrivateTargets.
 */
export async function withWebhooks<T>(
  context: CliContext,
  options: TrackingOptions,
  fn: (client: WebhooksClient) => Promise<T>,
): Promise<T> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  const uri = trackingUriFor(context, options, config);
  const client = await openerFor(uri)(uri, config.webhooks.allowPrivateTargets);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

export function webhookTable(webhooks: readonly Webhook[]): string[] {
  const rows = webhooks.map((w) => [String(w.id), w.model ?? '*', w.events.join(','), w.active ? 'yes' : 'no', w.url]);
  return table(['ID', 'MODEL', 'EVENTS', 'ACTIVE', 'URL'], rows);
}

export function deliveryTable(deliveries: readonly WebhookDelivery[]): string[] {
  const rows = deliveries.map((d) => [
    String(d.id),
    String(d.eventId),
    d.eventKind,
    d.status,
    String(d.attempts),
    d.lastStatusCode === null ? '-' : String(d.lastStatusCode),
    formatTime(d.updatedTime),
    d.lastError ?? '',
  ]);
  return table(['ID', 'EVENT', 'KIND', 'STATUS', 'ATTEMPTS', 'CODE', 'UPDATED', 'LAST ERROR'], rows);
}
