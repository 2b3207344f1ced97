import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AccumulatedHistogram } from './accumulated-histogram.js';

const config = {
  name: 'test_duration_seconds',
  help: 'Test latencies.',
  labelNames: ['model', 'endpoint'] as const,
  buckets: [0.001, 0.01, 0.1, 1],
};

/** The same observations in prom-client's Histogram and in the accumulated one, each in its own registry. */
function both(observations: readonly [Record<'model' | 'endpoint', string>, number][]) {
  const reference = new Registry();
  const accumulated = new Registry();
  const plain = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [reference] });
  const fast = new AccumulatedHistogram({ ...config, registers: [accumulated] });
  for (const [labels, value] of observations) {
    plain.observe(labels, value);
    fast.series(labels).observe(value);
  }
  return { reference, accumulated, fast };
}

describe('AccumulatedHistogram', () => {
  const a = { model: 'wine', endpoint: '/predict' };
  const b = { model: 'wine "2"\n', endpoint: '/v2/models/:name/infer' };
  const observations: [Record<'model' | 'endpoint', string>, number][] = [
    [a, 0.0004],
    [b, 0.001],
    [a, 0.001],
    [a, 0.0011],
    [b, 0.5],
    [a, 7],
    [a, 0.1],
    [b, 0.3333333],
  ];

  it('exports exactly what prom-client exports for the same observations, as text and as JSON', async () => {
    const { reference, accumulated } = both(observations);
    expect(await accumulated.metrics()).toBe(await reference.metrics());
    expect(await accumulated.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
  });

  it('exports nothing before the first observation, and nothing after a reset', async () => {
    const { reference, accumulated, fast } = both([]);
    expect(await accumulated.metrics()).toBe(await reference.metrics());
    fast.series(a).observe(1);
    accumulated.resetMetrics();
    expect(await accumulated.metrics()).toBe(await reference.metrics());
  });

  it('gives one series per label combination, whatever object the labels come in', async () => {
    const { accumulated, fast } = both([[a, 0.5]]);
    fast.series({ endpoint: '/predict', model: 'wine' }).observe(0.5);
    expect(await accumulated.metrics()).toContain('test_duration_seconds_count{model="wine",endpoint="/predict"} 2');
  });
});
