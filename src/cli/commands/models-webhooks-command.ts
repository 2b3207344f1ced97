import type { Command } from 'commander';
import { Option } from 'commander';
import { WEBHOOK_DELIVERY_STATUSES } from '../../contract/webhooks-api.js';
import { SlipwayError } from '../../domain/errors.js';
import type { WebhookDeliveryStatus } from '../../registry/webhooks/webhook-types.js';
import type { CliContext } from '../cli-context.js';
import { deliveryTable, webhookTable, withWebhooks } from './models-webhooks-command-support.js';
import {
  collect,
  parsePositiveInt,
  printResult,
  type TrackingOptions,
  withTrackingUriOption,
} from './tracking-command-support.js';

interface AddOptions extends TrackingOptions {
  readonly event: string[];
  readonly model?: string;
  readonly secret?: string;
  readonly description?: string;
}

interface DeliveriesOptions extends TrackingOptions {
  readonly status?: WebhookDeliveryStatus;
  readonly limit?: number;
  readonly before?: number;
}

async function runAdd(context: CliContext, url: string, options: AddOptions): Promise<void> {
  const input = {
    url,
    model: options.model,
    events: options.event,
    secret: options.secret,
    description: options.description,
  };
  const created = await withWebhooks(context, options, (client) => client.createWebhook(input));
  printResult(context, created, [
    `Created webhook ${created.webhook.id} for ${created.webhook.model ?? 'every model'}: ${created.webhook.events.join(', ')} → ${url}`,
    `Secret: ${created.secret}`,
    'Keep the secret now: it is not shown again. Receivers use it to verify the Slipway-Signature header.',
  ]);
}

async function runList(context: CliContext, options: TrackingOptions & { model?: string }): Promise<void> {
  const webhooks = await withWebhooks(context, options, (client) => client.listWebhooks({ model: options.model }));
  printResult(context, { webhooks }, webhooks.length === 0 ? ['No webhooks.'] : webhookTable(webhooks));
}

async function runRemove(context: CliContext, id: number, options: TrackingOptions): Promise<void> {
  await withWebhooks(context, options, (client) => client.deleteWebhook(id));
  printResult(context, { id, deleted: true }, [`Deleted webhook ${id} and its deliveries.`]);
}

async function runDeliveries(context: CliContext, id: number, options: DeliveriesOptions): Promise<void> {
  const input = { id, status: options.status, limit: options.limit, beforeId: options.before };
  const page = await withWebhooks(context, options, (client) => client.listDeliveries(input));
  const more = page.nextBeforeId === undefined ? [] : [`(more: --before ${page.nextBeforeId})`];
  const lines = page.deliveries.length === 0 ? ['No deliveries.'] : [...deliveryTable(page.deliveries), ...more];
  printResult(context, page, lines);
}

async function runTest(context: CliContext, id: number, options: TrackingOptions): Promise<void> {
  const result = await withWebhooks(context, options, (client) => client.testWebhook(id));
  if (!result.delivered) {
    const why = result.statusCode === undefined ? (result.error ?? 'no answer') : `HTTP ${result.statusCode}`;
    throw new SlipwayError('TEMPORARILY_UNAVAILABLE', `The test ping to webhook ${id} was not delivered: ${why}.`, {
      hint: 'Check that the receiver is up and answers 2xx; `slipway models webhooks list` shows its URL.',
    });
  }
  printResult(context, result, [`Delivered a test ping to webhook ${id} (HTTP ${result.statusCode}).`]);
}

/** `slipway models webhooks add|list|remove|deliveries|test`, added under the `models` command. */
export function registerWebhooksCommand(models: Command, context: CliContext): void {
  const group = models.command('webhooks').description('subscribe URLs to registry events (docs/webhooks.md)');
  withTrackingUriOption(group.command('add <url>'))
    .description('subscribe a URL to registry events; prints the signing secret once')
    .requiredOption(
      '--event <kind>',
      'an event kind (model_version.created, alias.set, …) or "*"; repeatable',
      collect,
      [],
    )
    .option('--model <name>', 'only events of this registered model (default: every model)')
    .option('--secret <secret>', 'the signing secret (default: generated)')
    .option('--description <text>', 'what the webhook is for')
    .action((url: string, options: AddOptions) => runAdd(context, url, options));
  withTrackingUriOption(group.command('list'))
    .description('list webhooks (never their secrets)')
    .option('--model <name>', "only this model's webhooks")
    .action((options: TrackingOptions & { model?: string }) => runList(context, options));
  withTrackingUriOption(group.command('remove').argument('<id>', 'the webhook id', parsePositiveInt))
    .description('delete a webhook and its pending deliveries')
    .action((id: number, options: TrackingOptions) => runRemove(context, id, options));
  withTrackingUriOption(group.command('deliveries').argument('<id>', 'the webhook id', parsePositiveInt))
    .description("a webhook's deliveries, newest first: status, attempts, last status code and error")
    .addOption(new Option('--status <status>', 'only deliveries in this state').choices(WEBHOOK_DELIVERY_STATUSES))
    .option('--limit <n>', 'at most this many (up to 1000)', parsePositiveInt)
    .option('--before <id>', 'only deliveries older than this one (paging)', parsePositiveInt)
    .action((id: number, options: DeliveriesOptions) => runDeliveries(context, id, options));
  withTrackingUriOption(group.command('test').argument('<id>', 'the webhook id', parsePositiveInt))
    .description('send a signed webhook.test ping now and report the status')
    .action((id: number, options: TrackingOptions) => runTest(context, id, options));
}
