import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import { type HttpReceiver, respondWith, startHttpReceiver } from '../../lib/testing/http-receiver.js';
import { enqueueWebhookDeliveries } from '../../registry/webhooks/enqueue-webhook-deliveries.js';
import { startServer } from '../../server/main.js';
import { appendEvent } from '../../storage/metadata/events.js';
import { type MetadataStore, openMetadata } from '../../storage/metadata/open-metadata.js';
import { type DialectUnderTest, forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import type { CommandTable } from '../cli-context.js';
import { captureCli } from '../testing/capture-cli.js';
import { registerWebhooksCommand } from './models-webhooks-command.js';

/** A stand-in for the registry's `slipway models` command: just the webhooks subcommands under it. */
const COMMANDS: CommandTable = {
  models: {
    summary: '',
    load: async () => ({ register: (program, context) => registerWebhooksCommand(program.command('models'), context) }),
  },
};

const ENV = { SLIPWAY_WEBHOOKS_ALLOW_PRIVATE_TARGETS: '1' };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Place {
  readonly trackingUri: string;
  readonly metadata: MetadataStore;
  readonly dir: string;
}

async function directPlace(dialect: DialectUnderTest): Promise<Place> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-webhooks-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const trackingUri = await dialect.freshUri();
  const metadata = await openMetadata(trackingUri);
  cleanups.push(() => metadata.close());
  return { trackingUri, metadata, dir };
}

async function serverPlace(dialect: DialectUnderTest): Promise<Place> {
  const place = await directPlace(dialect);
  const flags = { home: place.dir, metadata: { uri: place.trackingUri }, server: { port: 0 } };
  const config = await loadConfig({ flags, env: ENV, cwd: place.dir, homeDir: place.dir });
  const server = await startServer(config, { logger: pino({ level: 'silent' }), handleSignals: false });
  cleanups.push(() => server.close());
  return { ...place, trackingUri: server.url };
}

async function cli(place: Place, ...args: string[]) {
  const argv = ['models', 'webhooks', ...args, '--tracking-uri', place.trackingUri];
  return captureCli(COMMANDS, argv, { env: ENV, cwd: place.dir, homeDir: place.dir });
}

async function json<T = Record<string, unknown>>(place: Place, ...args: string[]): Promise<T> {
  const result = await cli(place, ...args, '--json');
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

async function receiver(): Promise<HttpReceiver> {
  const started = await startHttpReceiver(respondWith(200));
  cleanups.push(() => started.close());
  return started;
}

forEachDialect('slipway models webhooks', (dialect) => {
  for (const [where, place] of [
    ['direct', directPlace],
    ['server', serverPlace],
  ] as const) {
    describe(where, () => {
      it('adds, lists, tests, shows deliveries and removes', async () => {
        const p = await place(dialect);
        const target = await receiver();
        const added = await json<{ webhook: { id: number }; secret: string }>(
          p,
          'add',
          target.url,
          '--event',
          'alias.set',
          '--event',
          'model_version.created',
          '--model',
          'wine',
        );
        expect(added.secret).toMatch(/^whsec_/);
        const { id } = added.webhook;

        const listed = await cli(p, 'list');
        expect(listed.stdout).toMatch(
          new RegExp(
            `^ID +MODEL +EVENTS +ACTIVE +URL\\n${id} +wine +alias.set,model_version.created +yes +${target.url}`,
          ),
        );
        expect(listed.stdout).not.toContain(added.secret);

        expect(await json(p, 'test', String(id))).toEqual({ delivered: true, statusCode: 200 });
        expect(target.requests).toHaveLength(1);

        const event = await appendEvent(p.metadata.db, {
          actor: 'ann',
          kind: 'alias.set',
          subject: 'models/wine',
          payload: { model: 'wine' },
        });
        await enqueueWebhookDeliveries(p.metadata.db, event);
        // Through a server its dispatcher may already have sent it.
        const deliveries = await cli(p, 'deliveries', String(id));
        expect(deliveries.stdout).toMatch(
          /ID +EVENT +KIND +STATUS +ATTEMPTS +CODE +UPDATED +LAST ERROR\n\d+ +\d+ +alias\.set +(pending +0 +-|delivered +1 +200) /,
        );
        const page = await json<{ deliveries: unknown[] }>(p, 'deliveries', String(id), '--status', 'failed');
        expect(page.deliveries).toEqual([]);

        expect((await cli(p, 'remove', String(id))).stdout).toContain(`Deleted webhook ${id}`);
        expect(await json(p, 'list')).toEqual({ webhooks: [] });
      });

      it('fails with the error code as exit status and a message naming the field', async () => {
        const p = await place(dialect);
        const metadata = await cli(p, 'add', 'http://169.254.169.254/', '--event', '*');
        expect(metadata.code).toBe(2);
        expect(metadata.stderr).toMatch(/'url'.*metadata/);
        const missing = await cli(p, 'remove', '999');
        expect(missing.code).toBe(3);
        expect((await cli(p, 'remove', 'abc')).code).toBe(2);
        const target = await receiver();
        target.respond(respondWith(500));
        const { webhook } = await json<{ webhook: { id: number } }>(p, 'add', target.url, '--event', '*');
        const failed = await cli(p, 'test', String(webhook.id));
        expect(failed.code).toBe(5);
        expect(failed.stderr).toMatch(/not delivered: HTTP 500/);
      });
    });
  }
});
