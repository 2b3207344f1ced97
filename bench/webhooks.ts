/**
 * What webhooks add to a registry write: one transaction that appends an audit event (the baseline), against the
 * same transaction plus enqueueWebhookDeliveries with no subscriptions, 10 global ones (10 outbox rows per
 * write), and 200 subscriptions of other models. SQLite on a temp file; PostgreSQL too when SLIPWAY_TEST_PG_URL is
 * set (a fresh schema, dropped at the end). Medians of --reps runs of --writes writes each.
 *
 *   npx tsx bench/webhooks.ts [--writes 1000] [--reps 3]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { enqueueWebhookDeliveries } from '../src/registry/webhooks/enqueue-webhook-deliveries.js';
import { appendEvent } from '../src/storage/metadata/events.js';
import { type MetadataStore, openMetadata } from '../src/storage/metadata/open-metadata.js';
import { insertSubscription } from '../src/storage/metadata/webhooks/subscriptions.js';
import { median, seconds } from './measure.js';

const { values } = parseArgs({
  options: { writes: { type: 'string', default: '1000' }, reps: { type: 'string', default: '3' } },
});
const WRITES = Number(values.writes);
const REPS = Number(values.reps);

const event = {
  actor: 'bench',
  kind: 'alias.set',
  subject: 'models/wine',
  payload: { model: 'wine', alias: 'prod', version: 3 },
};

async function writes(store: MetadataStore, enqueue: boolean): Promise<void> {
  for (let n = 0; n < WRITES; n++) {
    await store.db.transaction().execute(async (trx) => {
      const stored = await appendEvent(trx, event);
      if (enqueue) await enqueueWebhookDeliveries(trx, stored);
    });
  }
}

async function subscribe(store: MetadataStore, count: number, model: string | null): Promise<void> {
  for (let n = 0; n < count; n++) {
    const row = {
      url: `https://hooks.example/${n}`,
      modelName: model === null ? null : `${model}-${n}`,
      eventKinds: '["*"]',
    };
    await insertSubscription(store.db, {
      ...row,
      secret: 'x'.repeat(32),
      description: '',
      active: true,
      createdTime: 0,
    });
  }
}

async function perWriteUs(store: MetadataStore, enqueue: boolean): Promise<number> {
  const runs: number[] = [];
  for (let rep = 0; rep < REPS; rep++) runs.push(await seconds(() => writes(store, enqueue)));
  return (median(runs) / WRITES) * 1e6;
}

async function measure(name: string, uri: string, dropSchema?: string): Promise<void> {
  const store = await openMetadata(uri);
  try {
    const baseline = await perWriteUs(store, false);
    const none = await perWriteUs(store, true);
    await subscribe(store, 200, 'other');
    const others = await perWriteUs(store, true);
    await subscribe(store, 10, null);
    const ten = await perWriteUs(store, true);
    const row = (label: string, us: number) =>
      `  ${label.padEnd(48)} ${us.toFixed(0).padStart(6)} µs  ×${(us / baseline).toFixed(2)}`;
    console.log(`${name}: ${WRITES} writes × ${REPS} reps, median per write`);
    console.log(row('baseline: append event in a transaction', baseline));
    console.log(row('+ enqueue, no subscriptions', none));
    console.log(row('+ enqueue, 200 subscriptions of other models', others));
    console.log(row('+ enqueue, 10 matching (10 outbox rows)', ten));
  } finally {
    if (dropSchema !== undefined) await sql`drop schema ${sql.id(dropSchema)} cascade`.execute(store.db);
    await store.close();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-webhooks-'));
try {
  await measure('SQLite (file)', `sqlite://${join(dir, 'bench.db')}`);
  const pg = process.env.SLIPWAY_TEST_PG_URL;
  if (pg) {
    const url = new URL(pg);
    const schema = `slipway_bench_${randomBytes(4).toString('hex')}`;
    url.searchParams.set('schema', schema);
    await measure('PostgreSQL', url.toString(), schema);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
