import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ServingMetrics } from '../../serving/serving-metrics.js';
import { parseServingMetrics, promNumber, readServingMetrics } from './read-serving-metrics.js';

const observe = (metrics: ServingMetrics, version: string, endpoint: string, status: number, seconds: number) =>
  metrics.observeRequest({ model: 'wine', version, endpoint, status, seconds });

describe('parseServingMetrics (text rendered by ServingMetrics)', () => {
  it('counts requests and 5xx failures per version, and sums the latency buckets over endpoints', async () => {
    const metrics = new ServingMetrics();
    for (let i = 0; i < 7; i++) observe(metrics, '1', '/invocations', 200, 0.003);
    observe(metrics, '1', '/predict', 200, 0.03);
    observe(metrics, '1', '/predict', 400, 0.001);
    observe(metrics, '1', '/predict', 404, 0.001);
    observe(metrics, '2', '/invocations', 500, 0.2);
    observe(metrics, '2', '/v2/models/:name/infer', 503, 0.0004);
    observe(metrics, '2', '/invocations', 200, 0.2);
    metrics.observeBatch('wine', '1', 8);
    const { versions } = parseServingMetrics(await metrics.text(), 42);
    const v1 = versions.find((v) => v.version === '1');
    const v2 = versions.find((v) => v.version === '2');
    expect(v1).toMatchObject({ model: 'wine', requests: 10, failed: 0 });
    expect(v2).toMatchObject({ model: 'wine', requests: 3, failed: 2 });
    const bucket = (v: typeof v1, le: number) => v?.buckets.find((b) => b.le === le)?.count;
    expect(bucket(v1, 0.0025)).toBe(2);
    expect(bucket(v1, 0.005)).toBe(9);
    expect(bucket(v1, 0.05)).toBe(10);
    expect(bucket(v1, Number.POSITIVE_INFINITY)).toBe(10);
    expect(bucket(v2, 0.0005)).toBe(1);
    expect(bucket(v2, 0.1)).toBe(1);
    expect(bucket(v2, 0.25)).toBe(3);
    expect(v1?.buckets.map((b) => b.le)).toEqual([...(v1?.buckets.map((b) => b.le) ?? [])].sort((a, b) => a - b));
    expect(v1?.buckets.at(-1)?.le).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps models apart whose names need escaping, and ignores requests that reached no version', async () => {
    const metrics = new ServingMetrics();
    const odd = 'w "x"\\y\nz';
    metrics.observeRequest({ model: odd, version: '3', endpoint: '/invocations', status: 200, seconds: 0.01 });
    metrics.observeRequest({ model: 'wine', version: '3', endpoint: '/invocations', status: 500, seconds: 1 });
    metrics.observeRequest({ model: 'wine', version: '', endpoint: '/invocations', status: 503, seconds: 0 });
    const { versions } = parseServingMetrics(await metrics.text());
    expect(versions).toHaveLength(2);
    expect(versions.find((v) => v.model === 'wine')).toMatchObject({ version: '3', requests: 1, failed: 1 });
    expect(versions.find((v) => v.model === odd)).toMatchObject({ version: '3', requests: 1, failed: 0 });
    expect(versions.find((v) => v.model === odd)?.buckets.find((b) => b.le === 0.01)?.count).toBe(1);
  });

  it('reads a last line without a newline, and refuses text that is not the exposition format', () => {
    const text = 'slipway_serving_requests_total{model="m",version="4",endpoint="/predict",code="200"} 5';
    expect(parseServingMetrics(text).versions).toMatchObject([{ model: 'm', version: '4', requests: 5 }]);
    expect(() => parseServingMetrics('slipway_serving_requests_total{model=m} 1\n')).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
  });

  it('parses the special values of the format', () => {
    expect([promNumber('+Inf'), promNumber('-Inf'), promNumber('1e3'), promNumber('0.25')]).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1000,
      0.25,
    ]);
    expect(promNumber('NaN')).toBeNaN();
    expect(promNumber(undefined)).toBeNaN();
  });
});

describe('readServingMetrics (over HTTP)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const serve = async (handler: Parameters<typeof createServer>[1]): Promise<string> => {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it('scrapes <url>/metrics, keeping a path prefix', async () => {
    const metrics = new ServingMetrics();
    observe(metrics, '5', '/invocations', 200, 0.01);
    const text = await metrics.text();
    let path = '';
    const url = await serve((request, response) => {
      path = request.url ?? '';
      response.end(text);
    });
    const snapshot = await readServingMetrics(`${url}/wine`, { clock: () => 7 });
    expect(path).toBe('/wine/metrics');
    expect(snapshot).toMatchObject({ time: 7, versions: [{ version: '5', requests: 1 }] });
  });

  it('fails with TEMPORARILY_UNAVAILABLE on an error status, a body too large, or no answer in time', async () => {
    let mode = 'status';
    const url = await serve((_request, response) => {
      if (mode === 'status') response.writeHead(503).end();
      if (mode === 'large') response.end('#'.repeat(5000));
      // 'silent': never answers
    });
    const unavailable = expect.objectContaining({ code: 'TEMPORARILY_UNAVAILABLE' });
    await expect(readServingMetrics(url)).rejects.toThrow(unavailable);
    mode = 'large';
    await expect(readServingMetrics(url, { maxBytes: 1000 })).rejects.toThrow(/larger than 1000 bytes/);
    mode = 'silent';
    await expect(readServingMetrics(url, { timeoutMs: 200 })).rejects.toThrow(/no answer within 200 ms/);
    await expect(readServingMetrics('file:///etc/passwd')).rejects.toThrow(/not an http\(s\) URL/);
  });
});
