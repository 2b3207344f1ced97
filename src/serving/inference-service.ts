import { notFound } from '../domain/errors.js';
import { quoted } from '../models/scoring/scoring-error.js';
import type { ModelFeeds } from '../models/scoring/to-model-feeds.js';
import type { Outputs } from './engine/micro-batcher.js';
import type { ModelDeployment } from './engine/model-deployment.js';
import type { Lease, ServedVersion } from './engine/served-version.js';
import type { PredictionLog } from './log/prediction-log.js';
import type { ServingMetrics } from './serving-metrics.js';

export interface InferenceRequest {
  /** The model by name; default the server's first model. */
  readonly model?: string | undefined;
  /** A version by name, bypassing the traffic policy (OIP `/versions/{v}`). */
  readonly version?: string | undefined;
  readonly requestId: string;
  /** The request's header values (lower-case names), for sticky routing. */
  readonly header: (name: string) => string | undefined;
  /** The request's payload as the version's model inputs, validated against its signature. */
  readonly toFeeds: (served: ServedVersion) => ModelFeeds;
}

export interface InferenceAnswer {
  readonly served: ServedVersion;
  readonly outputs: Outputs;
  readonly rows: number;
}

/** Called before the answer is known, so a failed request still names the version it was routed to. */
export type OnRouted = (served: ServedVersion) => void;

/**
 * The serving use case: route a request to a version by the model's traffic policy, convert and validate its
 * payload for that version, run it through the version's batcher, log it (sampled), and mirror it to the shadow
 * versions after answering. Protocol routes only parse and render around `infer`.
 */
export class InferenceService {
  readonly #models: ReadonlyMap<string, ModelDeployment>;
  readonly #first: ModelDeployment | undefined;
  readonly #log: PredictionLog | undefined;
  readonly #metrics: ServingMetrics;
  readonly #background = new Set<Promise<void>>();

  constructor(models: readonly ModelDeployment[], metrics: ServingMetrics, log?: PredictionLog) {
    this.#models = new Map(models.map((m) => [m.name, m]));
    this.#first = this.#models.values().next().value;
    this.#metrics = metrics;
    this.#log = log;
  }

  get metrics(): ServingMetrics {
    return this.#metrics;
  }

  get log(): PredictionLog | undefined {
    return this.#log;
  }

  models(): ModelDeployment[] {
    return [...this.#models.values()];
  }

  get ready(): boolean {
    return this.models().every((m) => m.ready);
  }

  /** The model named `name` (default: the first), or RESOURCE_DOES_NOT_EXIST. */
  model(name?: string): ModelDeployment {
    const found = name === undefined ? this.#first : this.#models.get(name);
    if (found !== undefined) return found;
    throw notFound(`No model named ${quoted(name ?? '')} is served here.`, {
      hint: `Served models: ${[...this.#models.keys()].join(', ')}.`,
    });
  }

  async infer(request: InferenceRequest, onRouted?: OnRouted): Promise<InferenceAnswer> {
    const deployment = this.model(request.model);
    const sticky = deployment.policy?.stickyHeader;
    const routed = deployment.route({
      version: request.version,
      stickyKey: sticky === undefined ? undefined : request.header(sticky),
    });
    // Times are taken only for the log: the request metrics use the HTTP layer's own clock.
    const log = this.#log;
    const started = log === undefined ? 0 : Date.now();
    const t0 = log === undefined ? 0 : performance.now();
    const { served } = routed.primary;
    let feeds: ModelFeeds;
    let outputs: Outputs;
    try {
      onRouted?.(served);
      feeds = request.toFeeds(served);
      outputs = await served.predict(feeds.feeds);
    } catch (error) {
      for (const lease of routed.shadows) lease.release();
      throw error;
    } finally {
      routed.primary.release();
    }
    if (log !== undefined) {
      this.#record(log, request.requestId, started, served, feeds.feeds, outputs, performance.now() - t0, false);
    }
    for (const lease of routed.shadows) this.#mirror(lease, request);
    return { served, outputs, rows: feeds.rows };
  }

  /** Waits for shadow requests still running (at shutdown). */
  async drainBackground(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  async #run(served: ServedVersion, request: InferenceRequest) {
    const { feeds, rows } = request.toFeeds(served);
    const outputs = await served.predict(feeds);
    return { served, outputs, rows, feeds };
  }

  #mirror(lease: Lease, request: InferenceRequest): void {
    const { served } = lease;
    const started = Date.now();
    const t0 = performance.now();
    // Started on the next turn of the event loop, so the caller's answer is sent first.
    const work = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#run(served, request))
      .then((shadow) => {
        const log = this.#log;
        if (log === undefined) return;
        this.#record(
          log,
          request.requestId,
          started,
          served,
          shadow.feeds,
          shadow.outputs,
          performance.now() - t0,
          true,
        );
      })
      .catch(() => this.#metrics.shadowFailed(served.name, served.version))
      .finally(() => {
        lease.release();
        this.#background.delete(work);
      });
    this.#background.add(work);
  }

  #record(
    log: PredictionLog,
    requestId: string,
    startedAt: number,
    served: ServedVersion,
    inputs: ModelFeeds['feeds'],
    outputs: Outputs,
    latencyMs: number,
    shadow: boolean,
  ): void {
    log.record({
      requestId,
      startedAt,
      model: served.name,
      version: served.version,
      inputs,
      outputs,
      latencyMs,
      shadow,
    });
  }
}
