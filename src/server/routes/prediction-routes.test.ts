import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { httpPredictionSink } from '../../serving/log/http-prediction-sink.js';
import { DEFAULT_PREDICTION_LOG, PredictionLog } from '../../serving/log/prediction-log.js';
import type { PredictionTables } from '../../serving/log/record-predictions.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { openTrackingApp } from './mlflow/testing/tracking-app.js';

const event = (i: number) => ({
  requestId: `req-${i}`,
  startedAt: Date.UTC(2026, 10, 27, 12, 0, i),
  model: 'wine',
  version: i % 2 === 0 ? '1' : '2',
  inputs: { input: { dtype: 'float32' as const, shape: [1, 2], data: new Float32Array([i, 0.5]) } },
  outputs: { label: { dtype: 'int64' as const, shape: [1], data: new BigInt64Array([5n]) } },
  latencyMs: 0.5,
  shadow: i === 3,
});

forEachDialect('POST /api/v1/predictions', (dialect) => {
  it('stores what the serving prediction log sends, predictions and feedback', async () => {
    const store = await dialect.open();
    const control = await openTrackingApp(store);
    try {
      await control.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = control.app.server.address() as AddressInfo;
      const sink = httpPredictionSink(`http://localhost:${port}`, { chunkEntries: 3 });
      const log = new PredictionLog(sink, { ...DEFAULT_PREDICTION_LOG, maxBuffered: 4 });
      for (let i = 0; i < 7; i++) log.record(event(i));
      log.feedback('req-2', { quality: 6 });
      await log.close();
      const db = store.db.withTables<PredictionTables>();
      const rows = await db.selectFrom('predictions').selectAll().orderBy('time').execute();
      expect(rows.map((r) => r.request_id)).toEqual(['req-0', 'req-1', 'req-2', 'req-3', 'req-4', 'req-5', 'req-6']);
      expect(rows[1]).toMatchObject({ model: 'wine', version: '2', latency_ms: 0.5, shadow: 0 });
      expect(Number(rows[1]?.time)).toBe(Date.UTC(2026, 10, 27, 12, 0, 1));
      expect(JSON.parse(rows[1]?.inputs ?? '')).toEqual({ input: [[1, 0.5]] });
      expect(JSON.parse(rows[1]?.outputs ?? '')).toEqual({ label: [5] });
      expect(rows[3]?.shadow).toBe(1);
      const feedback = await db.selectFrom('prediction_feedback').selectAll().execute();
      expect(feedback.map((f) => [f.request_id, JSON.parse(f.label)])).toEqual([['req-2', { quality: 6 }]]);
    } finally {
      await control.close();
    }
  });

  it('refuses malformed batches with 400 and stores nothing', async () => {
    const store = await dialect.open();
    const control = await openTrackingApp(store);
    try {
      const bad = [{}, { entries: [] }, { entries: [{ kind: 'prediction', request_id: '<x>' }] }];
      for (const body of bad) {
        const reply = await control.app.inject({
          method: 'POST',
          url: '/api/v1/predictions',
          headers: { host: 'localhost:5000', 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(reply.statusCode).toBe(400);
      }
      const db = store.db.withTables<PredictionTables>();
      expect(await db.selectFrom('predictions').selectAll().execute()).toEqual([]);
    } finally {
      await control.close();
    }
  });
});

describe('httpPredictionSink', () => {
  it('refuses URLs that are not a plain http(s) server', () => {
    for (const url of ['ftp://x', 'file:///etc', 'http://user:pw@host', 'http://host/?q=1', 'not a url']) {
      expect(() => httpPredictionSink(url)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
    }
  });
});
