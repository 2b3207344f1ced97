import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionRecord } from './log/prediction-log.js';
import { type ServingFixture, servingFixture, testServer } from './testing/serving-fixture.js';
import { wineRow } from './testing/wine-model.js';

let fixture: ServingFixture;

beforeAll(async () => {
  fixture = await servingFixture();
});

afterAll(() => fixture.cleanup());

const predict = (app: Awaited<ReturnType<typeof testServer>>['app'], rows: number[][], id?: string) =>
  app.inject({
    method: 'POST',
    url: '/predict',
    headers: { 'content-type': 'application/json', ...(id === undefined ? {} : { 'x-request-id': id }) },
    payload: JSON.stringify({ inputs: rows }),
  });

describe('shadow traffic', () => {
  it('never shows the shadow to callers, and logs its answers beside the primary ones', async () => {
    const primary = await fixture.load(fixture.folders[0], '1');
    const shadow = await fixture.load(fixture.folders[1], '2');
    const alone = await testServer([await fixture.load(fixture.folders[0], '1')], {
      routes: [{ version: '1', weight: 1 }],
    });
    const server = await testServer([primary, shadow], { routes: [{ version: '1', weight: 1 }], shadow: ['2'] });
    const rows = Array.from({ length: 30 }, (_, i) => [wineRow(i)]);
    const replies = await Promise.all(rows.map((r, i) => predict(server.app, r, `req-${i}`)));
    const expected = await Promise.all(rows.map((r) => predict(alone.app, r)));
    replies.forEach((reply, i) => {
      expect(reply.statusCode).toBe(200);
      expect(reply.headers['x-model-version']).toBe('1');
      expect(reply.json()).toEqual(expected[i]?.json());
    });
    await server.service.drainBackground();
    await server.log.flush();
    const logged = server.sink.entries as PredictionRecord[];
    const live = logged.filter((e) => !e.shadow);
    const shadowed = logged.filter((e) => e.shadow);
    expect(live.map((e) => e.request_id).sort()).toEqual(rows.map((_, i) => `req-${i}`).sort());
    expect(shadowed.map((e) => e.request_id).sort()).toEqual(rows.map((_, i) => `req-${i}`).sort());
    expect(new Set(shadowed.map((e) => e.version))).toEqual(new Set(['2']));
    const one = shadowed.find((e) => e.request_id === 'req-0');
    const mine = live.find((e) => e.request_id === 'req-0');
    expect(one?.inputs).toEqual(mine?.inputs);
    expect(one?.outputs).not.toEqual(mine?.outputs);
    await Promise.all([server.app.close(), alone.app.close()]);
  });
});

describe('prediction log', () => {
  it('records every request once with its id, model, version, inputs, outputs and latency', async () => {
    const server = await testServer([await fixture.load(fixture.folders[0], '1')], {
      routes: [{ version: '1', weight: 1 }],
    });
    const before = Date.now();
    const sizes = [1, 3, 2, 5];
    const replies = await Promise.all(
      sizes.map((n, k) =>
        predict(
          server.app,
          Array.from({ length: n }, (_, i) => wineRow(10 * k + i)),
          `id-${k}`,
        ),
      ),
    );
    await server.log.flush();
    const entries = server.sink.entries as PredictionRecord[];
    expect(entries).toHaveLength(sizes.length);
    sizes.forEach((n, k) => {
      const entry = entries.find((e) => e.request_id === `id-${k}`);
      expect(entry).toMatchObject({ kind: 'prediction', model: 'wine', version: '1', shadow: false });
      const input = entry?.inputs.input as number[][];
      expect(input).toHaveLength(n);
      expect(input[0]?.[10]).toBeCloseTo(wineRow(10 * k)[10] ?? 0, 5);
      const answer = replies[k]?.json<{ predictions: { label: number }[] }>().predictions ?? [];
      expect(entry?.outputs.label).toEqual(answer.map((p) => p.label));
      expect(entry?.latency_ms).toBeGreaterThanOrEqual(0);
      expect(Date.parse(entry?.time ?? '')).toBeGreaterThanOrEqual(before - 1000);
      expect(replies[k]?.headers['x-request-id']).toBe(`id-${k}`);
    });
    const feedback = await server.app.inject({
      method: 'POST',
      url: '/feedback',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ request_id: 'id-2', label: 6 }),
    });
    expect(feedback.statusCode).toBe(200);
    await server.log.close();
    expect(server.sink.entries.at(-1)).toMatchObject({ kind: 'feedback', request_id: 'id-2', label: 6 });
    await server.app.close();
  });

  it('logs failed requests nowhere and keeps the caller id only when it is safe', async () => {
    const server = await testServer([await fixture.load(fixture.folders[0], '1')], {
      routes: [{ version: '1', weight: 1 }],
    });
    const bad = await predict(server.app, [[1, 2, 3]], 'bad-1');
    expect(bad.statusCode).toBe(400);
    const unsafe = await predict(server.app, [wineRow(0)], '<script>');
    expect(unsafe.headers['x-request-id']).not.toBe('<script>');
    await server.log.flush();
    expect(server.sink.entries.map((e) => e.request_id)).toEqual([unsafe.headers['x-request-id']]);
    await server.app.close();
  });
});
