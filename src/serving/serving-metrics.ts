import { Counter, Histogram, Registry } from 'prom-client';
import { AccumulatedHistogram } from './accumulated-histogram.js';

type RequestLabels = 'model' | 'version' | 'endpoint' | 'code';

/** One (model, version, endpoint, status): what its answers add to the metrics. */
interface RequestSeries {
  observe(seconds: number): void;
}

/**
 * Counts of one (model, version, endpoint, status) since the last scrape, folded into the counters when the
 * registry reads them (prom-client's per-call label hashing stays off the request path).
 */
interface PendingCounts {
  readonly labels: Readonly<Record<RequestLabels, string>>;
  requests: number;
  errors: number;
}

/** Label combinations are few (models × versions × endpoints × statuses); the cache is bounded all the same. */
const MAX_CACHED_SERIES = 10_000;

/** What one HTTP answer adds to the metrics. */
export interface RequestObservation {
  readonly model: string;
  readonly version: string;
  /** The route pattern (`/invocations`, `/v2/models/:name/infer`), never the raw URL. */
  readonly endpoint: string;
  readonly status: number;
  readonly seconds: number;
}

/**
 * The serving process's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * several servers in one process or test do not mix): requests, errors, latency and batch sizes per model and
 * version. (prom-client's default process metrics are left out: `promtool check metrics` rejects three of its
 * gauges, named `nodejs_active_*_total`.)
 */
export class ServingMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<RequestLabels>;
  readonly #errors: Counter<RequestLabels>;
  readonly #latency: AccumulatedHistogram<'model' | 'version' | 'endpoint'>;
  readonly #batchRows: Histogram<'model' | 'version'>;
  readonly #shadowErrors: Counter<'model' | 'version'>;
  readonly #series = new Map<string, RequestSeries>();
  readonly #pending: PendingCounts[] = [];
  readonly #batchSeries = new Map<string, { observe(value: number): void }>();

  constructor() {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'slipway_serving_requests_total',
      help: 'HTTP requests answered, by model, version, endpoint and status code.',
      labelNames: ['model', 'version', 'endpoint', 'code'],
      registers,
      collect: () => this.#fold('requests'),
    });
    this.#errors = new Counter({
      name: 'slipway_serving_errors_total',
      help: 'HTTP requests answered with a 4xx or 5xx status.',
      labelNames: ['model', 'version', 'endpoint', 'code'],
      registers,
      collect: () => this.#fold('errors'),
    });
    this.#latency = new AccumulatedHistogram({
      name: 'slipway_serving_request_duration_seconds',
      help: 'Time from receiving a request to sending its answer.',
      labelNames: ['model', 'version', 'endpoint'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#batchRows = new Histogram({
      name: 'slipway_serving_batch_rows',
      help: 'Rows in each inference call (several requests are batched into one call).',
      labelNames: ['model', 'version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384],
      registers,
    });
    this.#shadowErrors = new Counter({
      name: 'slipway_serving_shadow_errors_total',
      help: 'Requests a shadow version failed to answer (the caller never sees these).',
      labelNames: ['model', 'version'],
      registers,
    });
  }

  /**
   * What one endpoint's answers add to the metrics, as a function of the answering model, version, status and
   * seconds: the series of the last combination is kept at hand (a server mostly answers one), the others found
   * in the shared cache.
   */
  endpoint(endpoint: string): (model: string, version: string, status: number, seconds: number) => void {
    let last: { model: string; version: string; status: number; series: RequestSeries } | undefined;
    return (model, version, status, seconds) => {
      if (last === undefined || last.model !== model || last.version !== version || last.status !== status) {
        last = { model, version, status, series: this.#seriesOf({ model, version, endpoint, status, seconds }) };
      }
      last.series.observe(seconds);
    };
  }

  observeRequest(o: RequestObservation): void {
    this.#seriesOf(o).observe(o.seconds);
  }

  #seriesOf(o: RequestObservation): RequestSeries {
    const key = `${o.model}\u0000${o.version}\u0000${o.endpoint}\u0000${o.status}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      const cached = this.#series.size < MAX_CACHED_SERIES;
      series = cached ? this.#pendingSeries(o) : this.#directSeries(o);
      if (cached) this.#series.set(key, series);
    }
    return series;
  }

  /** A cached series: counts wait for the next scrape, latencies go to the histogram's own series. */
  #pendingSeries(o: RequestObservation): RequestSeries {
    const labels = { model: o.model, version: o.version, endpoint: o.endpoint };
    const counts: PendingCounts = {
      labels: Object.freeze({ ...labels, code: String(o.status) }),
      requests: 0,
      errors: 0,
    };
    this.#pending.push(counts);
    const latency = this.#latency.series(labels);
    const error = o.status >= 400 ? 1 : 0;
    return {
      observe(seconds) {
        counts.requests += 1;
        counts.errors += error;
        latency.observe(seconds);
      },
    };
  }

  /** Beyond the cache bound: straight to prom-client, as every answer once was. */
  #directSeries(o: RequestObservation): RequestSeries {
    const labels = { model: o.model, version: o.version, endpoint: o.endpoint };
    const code = String(o.status);
    const latency = this.#latency.series(labels);
    return {
      observe: (seconds) => {
        this.#requests.inc({ ...labels, code });
        if (o.status >= 400) this.#errors.inc({ ...labels, code });
        latency.observe(seconds);
      },
    };
  }

  /** Adds the counts waiting since the last scrape to a counter (called by prom-client as it reads it). */
  #fold(which: 'requests' | 'errors'): void {
    const counter = which === 'requests' ? this.#requests : this.#errors;
    for (const counts of this.#pending) {
      const n = counts[which];
      if (n === 0) continue;
      counter.inc(counts.labels, n);
      counts[which] = 0;
    }
  }

  observeBatch(model: string, version: string, rows: number): void {
    const key = `${model}\u0000${version}`;
    let series = this.#batchSeries.get(key);
    if (series === undefined) {
      series = this.#batchRows.labels({ model, version });
      if (this.#batchSeries.size < MAX_CACHED_SERIES) this.#batchSeries.set(key, series);
    }
    series.observe(rows);
  }

  shadowFailed(model: string, version: string): void {
    this.#shadowErrors.inc({ model, version });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
