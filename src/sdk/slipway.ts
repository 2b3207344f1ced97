import { openTrackingClient } from '../client/open-tracking-client.js';
import type { Env } from '../config/env-layer.js';
import { loadConfig } from '../config/load-config.js';
import { trackedInWorkspace } from '../data/sdk.js';
import type { ModelVersion } from '../registry/types.js';
import { logTrackedData } from '../tracking/data-inputs.js';
import { ensureExperiment } from '../tracking/ensure-experiment.js';
import { captureLineage } from '../tracking/lineage.js';
import type { TrackingClient } from '../tracking/tracking-client.js';
import type { RunStatus } from '../tracking/types.js';
import type { MetricBatcherOptions } from './metric-batcher.js';
import { type RegisterModelInput, type RegistryLocation, registerModel } from './register-model.js';
import { SlipwayRun } from './slipway-run.js';

export interface ConnectOptions {
  /** `sqlite:///…`, `postgresql://…` or `http(s)://host:port`; default the config's metadata.uri. */
  readonly trackingUri?: string;
  /** For direct URIs: where artifacts go; default the config's objects.uri. */
  readonly objectsUri?: string;
  /** Where config files and the git workspace are looked up; default process.cwd(). */
  readonly cwd?: string;
  readonly env?: Env;
  /** Metric batching: batch size (≤1000) and how long a metric may wait (ms). */
  readonly metrics?: MetricBatcherOptions;
  /** Record git, command and environment lineage tags on new runs; default true. */
  readonly lineage?: boolean;
}

export interface StartRunOptions {
  /** The experiment's name; created when missing. */
  readonly experiment: string;
  readonly name?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The tracking SDK: `const slipway = await Slipway.connect()`, then `slipway.startRun({experiment})`. Runs still
 * open when the event loop empties ('beforeExit') are flushed and ended FINISHED; a process ended by
 * process.exit(), a signal or an uncaught exception does not get there; call run.end() yourself.
 */
export class Slipway {
  readonly client: TrackingClient;
  readonly #options: ConnectOptions;
  readonly #open = new Set<SlipwayRun>();
  readonly #onBeforeExit = () => {
    this.#endOpenRuns().catch((error: unknown) => {
      process.exitCode ??= 1;
      process.emitWarning(`Slipway could not end its open runs at exit: ${String(error)}`);
    });
  };

  readonly #registry: RegistryLocation;

  private constructor(client: TrackingClient, options: ConnectOptions, registry: RegistryLocation) {
    this.client = client;
    this.#options = options;
    this.#registry = registry;
  }

  /**
   * Opens the tracking URI: `options.trackingUri`, else SLIPWAY_TRACKING_URI (set by `slipway runs start`), else
   * the configuration's metadata.uri.
   */
  static async connect(options: ConnectOptions = {}): Promise<Slipway> {
    const env = options.env ?? process.env;
    const trackingUri = options.trackingUri ?? (env.SLIPWAY_TRACKING_URI || undefined);
    const needsConfig = trackingUri === undefined || options.objectsUri === undefined;
    const config = needsConfig ? await loadConfig({ cwd: options.cwd, env }) : undefined;
    const uri = trackingUri ?? config?.metadata.uri ?? '';
    const objectsUri = options.objectsUri ?? config?.objects.uri;
    const client = await openTrackingClient(uri, { objectsUri });
    return new Slipway(client, options, { trackingUri: uri, objectsUri });
  }

  /**
   * Starts a RUNNING run in the named experiment (created if missing), with lineage tags. Under `slipway runs
   * start` (SLIPWAY_RUN_ID, or MLflow's MLFLOW_RUN_ID, in the environment) it adopts that run instead: the
   * command's run, whose lineage and final status `runs start` records; `options.tags` are set on it.
   */
  async startRun(options: StartRunOptions): Promise<SlipwayRun> {
    const env = this.#options.env ?? process.env;
    const adopted = env.SLIPWAY_RUN_ID || env.MLFLOW_RUN_ID;
    if (adopted) return this.#adopt(adopted, options);
    const experiment = await ensureExperiment(this.client, options.experiment);
    const lineage =
      this.#options.lineage === false
        ? []
        : await captureLineage({ cwd: this.#options.cwd ?? process.cwd(), argv: process.argv });
    const given = Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value }));
    const userId = lineage.find((tag) => tag.key === 'mlflow.user')?.value;
    const run = await this.client.createRun({
      experimentId: experiment.experimentId,
      runName: options.name,
      userId,
      tags: [...lineage.filter((tag) => !given.some((g) => g.key === tag.key)), ...given],
    });
    if (this.#options.lineage !== false) await this.#logWorkspaceData(run.info.runId);
    const handle = new SlipwayRun(this.client, run, this.#options.metrics);
    this.#track(handle);
    return handle;
  }

  /** The data the workspace tracks when the run starts, by content digest (lineage: what the run could read). */
  async #logWorkspaceData(runId: string): Promise<void> {
    const data = await trackedInWorkspace({ cwd: this.#options.cwd, env: this.#options.env });
    if (data.length > 0) await logTrackedData(this.client, runId, data, 'workspace');
  }

  async #adopt(runId: string, options: StartRunOptions): Promise<SlipwayRun> {
    const handle = new SlipwayRun(this.client, await this.client.getRun(runId), this.#options.metrics, {
      adopted: true,
    });
    if (options.tags !== undefined) await handle.setTags(options.tags);
    this.#track(handle);
    return handle;
  }

  /**
   * Registers `source` (e.g. `runs:/<run>/model`) as a new version of a registered model (created when missing) in
   * the registry of this tracking URI, pinning its files, and moves `alias` to it when given.
   */
  registerModel(input: RegisterModelInput): Promise<ModelVersion> {
    return registerModel(this.#registry, input);
  }

  /** Ends the runs still open (with `status`, default KILLED), then closes the client. */
  async close(options: { readonly status?: RunStatus } = {}): Promise<void> {
    try {
      await this.#endOpenRuns(options.status ?? 'KILLED');
    } finally {
      await this.client.close();
    }
  }

  #track(run: SlipwayRun): void {
    for (const old of this.#open) if (old.ended) this.#open.delete(old);
    if (this.#open.size === 0) process.on('beforeExit', this.#onBeforeExit);
    this.#open.add(run);
  }

  async #endOpenRuns(status: RunStatus = 'FINISHED'): Promise<void> {
    const runs = [...this.#open].filter((run) => !run.ended);
    this.#open.clear();
    process.off('beforeExit', this.#onBeforeExit);
    const results = await Promise.allSettled(runs.map((run) => (run.adopted ? run.release() : run.end({ status }))));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}
