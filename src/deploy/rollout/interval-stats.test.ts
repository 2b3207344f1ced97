import { describe, expect, it } from 'vitest';
import { ServingMetrics } from '../../serving/serving-metrics.js';
import { findInterval, histogramQuantile, intervalStats } from './interval-stats.js';
import { parseServingMetrics } from './read-serving-metrics.js';

const observe = (metrics: ServingMetrics, version: string, status: number, seconds: number, times = 1) => {
  for (let i = 0; i < times; i++) {
    metrics.observeRequest({ model: 'wine', version, endpoint: '/invocations', status, seconds });
  }
};

const scrape = async (metrics: ServingMetrics, time = 0) => parseServingMetrics(await metrics.text(), time);

describe('histogramQuantile', () => {
  // The cases of Prometheus' own histogram_quantile tests (series testhistogram_bucket at 50m).
  const positive = [
    { le: 0.1, count: 50 },
    { le: 0.2, count: 70 },
    { le: 1, count: 110 },
    { le: Number.POSITIVE_INFINITY, count: 120 },
  ];
  const negative = [
    { le: -0.2, count: 10 },
    { le: -0.1, count: 20 },
    { le: 0.3, count: 20 },
    { le: Number.POSITIVE_INFINITY, count: 30 },
  ];

  it('interpolates inside the bucket the rank falls in, as Prometheus does', () => {
    const cases: [number, number, number][] = [
      [0, 0, -0.2],
      [0.2, 0.048, -0.2],
      [0.5, 0.15, -0.15],
      [0.8, 0.72, 0.3],
      [1, 1, 0.3],
      [-0.1, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [1.01, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
    ];
    for (const [q, expectedPositive, expectedNegative] of cases) {
      expect(histogramQuantile(q, positive)).toBeCloseTo(expectedPositive, 12);
      expect(histogramQuantile(q, [...negative].reverse())).toBeCloseTo(expectedNegative, 12);
    }
    expect(histogramQuantile(Number.NaN, positive)).toBeNaN();
  });

  it('is NaN without observations, without a +Inf bucket, or with a single bucket', () => {
    expect(
      histogramQuantile(
        0.99,
        positive.map((b) => ({ ...b, count: 0 })),
      ),
    ).toBeNaN();
    expect(histogramQuantile(0.99, positive.slice(0, 3))).toBeNaN();
    expect(histogramQuantile(0.99, positive.slice(3))).toBeNaN();
  });
});

describe('intervalStats (two scrapes of ServingMetrics text)', () => {
  it('gives each version its requests, 5xx error rate and p99 over the interval only', async () => {
    const metrics = new ServingMetrics();
    observe(metrics, '1', 200, 2, 50); // before the interval: slow, must not count
    const before = await scrape(metrics, 1000);
    observe(metrics, '1', 200, 0.004, 99);
    observe(metrics, '1', 200, 0.2, 1);
    observe(metrics, '2', 200, 0.03, 90);
    observe(metrics, '2', 500, 0.03, 8);
    observe(metrics, '2', 404, 0.001, 2);
    const stats = intervalStats(before, await scrape(metrics, 2000));
    const v1 = findInterval(stats, 'wine', '1');
    const v2 = findInterval(stats, 'wine', '2');
    expect(v1).toMatchObject({ requests: 100, failed: 0, errorRate: 0, restarted: false });
    // rank 99 of 100 falls at the top of the (0.0025, 0.005] bucket, where 99 observations end.
    expect(v1.p99Ms).toBeCloseTo(5, 9);
    expect(v2).toMatchObject({ requests: 100, failed: 8, errorRate: 0.08 });
    // 2 in (0.0005, 0.001], 98 in (0.025, 0.05]: rank 99 is 97/98 of the way through the latter.
    expect(v2.p99Ms).toBeCloseTo((0.025 + 0.025 * (97 / 98)) * 1000, 9);
    expect(findInterval(stats, 'wine', '9')).toMatchObject({ requests: 0, errorRate: undefined, p99Ms: undefined });
  });

  it('takes the later scrape as the interval when counters went down (the process restarted)', async () => {
    const first = new ServingMetrics();
    observe(first, '1', 200, 0.004, 500);
    const before = await scrape(first);
    const restarted = new ServingMetrics();
    observe(restarted, '1', 500, 0.4, 3);
    observe(restarted, '1', 200, 0.4, 7);
    const stats = intervalStats(before, await scrape(restarted));
    expect(findInterval(stats, 'wine', '1')).toMatchObject({
      requests: 10,
      failed: 3,
      errorRate: 0.3,
      restarted: true,
    });
    expect(findInterval(stats, 'wine', '1').p99Ms).toBeGreaterThan(250);
  });

  it('counts a version absent from the first scrape from zero', async () => {
    const metrics = new ServingMetrics();
    observe(metrics, '1', 200, 0.004, 5);
    const before = await scrape(metrics);
    observe(metrics, '7', 503, 0.001, 4);
    const stats = intervalStats(before, await scrape(metrics));
    expect(findInterval(stats, 'wine', '7')).toMatchObject({ requests: 4, failed: 4, errorRate: 1 });
    expect(findInterval(stats, 'wine', '1')).toMatchObject({ requests: 0, errorRate: undefined, p99Ms: undefined });
    expect(intervalStats(undefined, before)).toMatchObject([{ version: '1', requests: 5 }]);
  });
});
