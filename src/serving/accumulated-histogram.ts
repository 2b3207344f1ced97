import {
  Histogram,
  type LabelValues,
  type MetricObjectWithValues,
  type MetricValueWithName,
  type Registry,
} from 'prom-client';

/** One label combination of an AccumulatedHistogram: observing is a few additions, no label lookup. */
export interface HistogramSeries {
  observe(value: number): void;
}

interface Series<T extends string> extends HistogramSeries {
  readonly labels: LabelValues<T>;
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** What the registry reads of a metric (prom-client's own histograms give the same). */
interface Exported<T extends string> {
  name: string;
  help: string;
  type: 'histogram';
  values: ExportedValue<T>[];
  aggregator: 'sum';
}

interface ExportedValue<T extends string> {
  labels: Partial<Record<T | 'le', string | number>>;
  sharedLabels?: LabelValues<T>;
  value: number;
  metricName: string;
  exemplar: null | undefined;
}

/**
 * A prom-client histogram whose hot path skips prom-client's per-observation label hashing and validation: callers
 * take a series once per label combination (`series(labels)`) and observe on it; the registry reads the series when
 * it scrapes, exported exactly as prom-client's Histogram exports its own (same lines, same order, same sums).
 * `observe`, `labels` and `startTimer` of the base class are not used (their observations would not be exported).
 */
export class AccumulatedHistogram<T extends string> extends Histogram<T> {
  readonly #name: string;
  readonly #help: string;
  readonly #bounds: readonly number[];
  readonly #labelNames: readonly T[];
  readonly #series = new Map<string, Series<T>>();

  constructor(config: {
    name: string;
    help: string;
    labelNames: readonly T[];
    buckets: readonly number[];
    registers: Registry[];
  }) {
    super({ ...config, labelNames: [...config.labelNames], buckets: [...config.buckets] });
    this.#name = config.name;
    this.#help = config.help;
    this.#bounds = [...config.buckets];
    this.#labelNames = [...config.labelNames];
  }

  /** The series of one label combination, created on first use (callers keep it: this looks it up by value). */
  series(labels: LabelValues<T>): HistogramSeries {
    const key = JSON.stringify(this.#labelNames.map((name) => labels[name] ?? null));
    let found = this.#series.get(key);
    if (found === undefined) {
      found = this.#newSeries(Object.freeze({ ...labels }));
      this.#series.set(key, found);
    }
    return found;
  }

  #newSeries(labels: LabelValues<T>): Series<T> {
    const bounds = this.#bounds;
    const series: Series<T> = {
      labels,
      counts: new Float64Array(bounds.length + 1),
      sum: 0,
      count: 0,
      observe(value) {
        if (!Number.isFinite(value)) return;
        let bucket = 0;
        while (bucket < bounds.length && value > (bounds[bucket] as number)) bucket++;
        series.counts[bucket] = (series.counts[bucket] as number) + 1;
        series.sum += value;
        series.count += 1;
      },
    };
    return series;
  }

  /** What the registry writes: per series, the cumulative buckets, +Inf, _sum and _count (prom-client's layout). */
  getForPromString(): Exported<T> {
    const values: ExportedValue<T>[] = [];
    const bucketName = `${this.#name}_bucket`;
    for (const series of this.#series.values()) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += series.counts[i] as number;
        values.push({
          labels: { le: bound } as ExportedValue<T>['labels'],
          sharedLabels: series.labels,
          value: cumulative,
          metricName: bucketName,
          exemplar: null,
        });
      });
      const shared = { sharedLabels: series.labels };
      values.push(
        {
          labels: { le: '+Inf' } as ExportedValue<T>['labels'],
          ...shared,
          value: series.count,
          metricName: bucketName,
          exemplar: null,
        },
        { labels: {}, ...shared, value: series.sum, metricName: `${this.#name}_sum`, exemplar: undefined },
        { labels: {}, ...shared, value: series.count, metricName: `${this.#name}_count`, exemplar: undefined },
      );
    }
    return { name: this.#name, help: this.#help, type: 'histogram', values, aggregator: 'sum' };
  }

  /** The same values with each series' labels merged in, as prom-client's Histogram.get() gives them. */
  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    const data = this.getForPromString();
    const values = data.values.map(({ sharedLabels, labels, ...rest }) => ({
      ...rest,
      labels: { ...labels, ...sharedLabels },
    }));
    return { ...data, values } as unknown as MetricObjectWithValues<MetricValueWithName<T>>;
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor resets too, before this class's fields exist.
    if (#series in this) this.#series.clear();
  }
}
