import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type RequestObservation, ServingMetrics } from './serving-metrics.js';

/** prom-client's metrics as ServingMetrics defines them, fed one call per answer (what the server did before). */
function reference() {
  const registry = new Registry();
  const registers = [registry];
  const labelNames = ['model', 'version', 'endpoint', 'code'] as const;
  const requests = new Counter({
    name: 'slipway_serving_requests_total',
    help: 'HTTP requests answered, by model, version, endpoint and status code.',
    labelNames,
    registers,
  });
  const errors = new Counter({
    name: 'slipway_serving_errors_total',
    help: 'HTTP requests answered with a 4xx or 5xx status.',
    labelNames,
    registers,
  });
  const latency = new Histogram({
    name: 'slipway_serving_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer.',
    labelNames: ['model', 'version', 'endpoint'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const batchRows = new Histogram({
    name: 'slipway_serving_batch_rows',
    help: 'Rows in each inference call (several requests are batched into one call).',
    labelNames: ['model', 'version'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384],
    registers,
  });
  new Counter({
    name: 'slipway_serving_shadow_errors_total',
    help: 'Requests a shadow version failed to answer (the caller never sees these).',
    labelNames: ['model', 'version'],
    registers,
  });
  return {
    registry,
    observe(o: RequestObservation) {
      const labels = { model: o.model, version: o.version, endpoint: o.endpoint };
      requests.inc({ ...labels, code: String(o.status) });
      if (o.status >= 400) errors.inc({ ...labels, code: String(o.status) });
      latency.observe(labels, o.seconds);
    },
    batch: (model: string, version: string, rows: number) => batchRows.observe({ model, version }, rows),
  };
}

/** A varied answer: two versions, two endpoints, some 400s and 503s, latencies over several buckets. */
function sampleAnswer(i: number): RequestObservation {
  const status = i % 11 === 0 ? 400 : i % 13 === 0 ? 503 : 200;
  return {
    model: 'wine',
    version: i % 7 === 0 ? '2' : '1',
    endpoint: i % 5 === 0 ? '/invocations' : '/predict',
    status,
    seconds: (i % 9) * 0.0007,
  };
}

describe('ServingMetrics', () => {
  it('writes what one prom-client call per answer wrote, across scrapes', async () => {
    const expected = reference();
    const metrics = new ServingMetrics();
    const predict = metrics.endpoint('/predict');
    const answers = Array.from({ length: 50 }, (_, i) => sampleAnswer(i));
    for (const [i, o] of answers.entries()) {
      expected.observe(o);
      if (o.endpoint === '/predict') predict(o.model, o.version, o.status, o.seconds);
      else metrics.observeRequest(o);
      if (i % 10 === 0) {
        expected.batch(o.model, o.version, i);
        metrics.observeBatch(o.model, o.version, i);
      }
      // Scrapes in between fold what waited so far; the totals go on from there.
      if (i === 20 || i === 35) expect(await metrics.text()).toBe(await expected.registry.metrics());
    }
    expect(await metrics.text()).toBe(await expected.registry.metrics());
    expect(await metrics.text()).toContain(
      'slipway_serving_errors_total{model="wine",version="1",endpoint="/predict",code="400"}',
    );
  });
});
