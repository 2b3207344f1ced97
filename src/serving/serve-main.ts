import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { invalidParameter, SlipwayError, toSlipwayError } from '../domain/errors.js';
import type { FlavorLoadOptions } from '../models/flavors/flavor.js';
import { loadServedVersion } from './engine/load-version.js';
import { type BatchingOptions, DEFAULT_BATCHING } from './engine/micro-batcher.js';
import { ModelDeployment } from './engine/model-deployment.js';
import type { ServedVersion } from './engine/served-version.js';
import { singleVersion, type TrafficPolicy } from './engine/traffic-policy.js';
import { buildServingApp, DEFAULT_BODY_LIMIT_BYTES } from './http/serving-app.js';
import { InferenceService } from './inference-service.js';
import { httpPredictionSink } from './log/http-prediction-sink.js';
import { openJsonlPredictionSink } from './log/jsonl-prediction-sink.js';
import { DEFAULT_PREDICTION_LOG, PredictionLog, type PredictionSink } from './log/prediction-log.js';
import { installServeSignals } from './serve-shutdown.js';
import { ServingMetrics } from './serving-metrics.js';
import { folderModelSource, type ModelSourceResolver, type ResolvedModel, servedName } from './source/model-source.js';

/** A further version taking live traffic: `weight` percent of it (the primary keeps the rest). */
export interface CanaryOption {
  readonly uri: string;
  readonly weight: number;
}

export interface PredictionLogOption {
  /** A JSONL file, or… */
  readonly file?: string;
  /** …a Slipway control plane (`POST /api/v1/predictions`, stored in its metadata database), or… */
  readonly server?: string;
  /** …any sink (the control plane's, at merge). */
  readonly sink?: PredictionSink;
  readonly sampleRate?: number;
  readonly flushIntervalMs?: number;
}

export interface ServeOptions {
  /** The model to serve: a local folder, or any URI `resolver` understands. */
  readonly model: string;
  readonly host?: string;
  readonly port?: number;
  /** Served name and version for the folder resolver (default: the folder's name, version `1`). */
  readonly name?: string;
  readonly modelVersion?: string;
  /** URI → local folder; default folders only. The registry plugs `models:/…` and `runs:/…` in here. */
  readonly resolver?: ModelSourceResolver;
  readonly canary?: readonly CanaryOption[];
  /** Versions mirrored every request; their answers are logged, never returned. */
  readonly shadow?: readonly string[];
  /** Route by the hash of this request header (sticky A/B) instead of at random. */
  readonly stickyHeader?: string;
  readonly batching?: Partial<BatchingOptions>;
  readonly flavor?: FlavorLoadOptions;
  readonly predictionLog?: PredictionLogOption;
  readonly bodyLimitBytes?: number;
  /** Host header allowlist; default the loopback names and `host`. `*` allows any. */
  readonly allowedHosts?: readonly string[];
  /** Reported by /version and /v2. */
  readonly version?: string;
  readonly logger?: FastifyBaseLogger;
  /** SIGTERM/SIGINT: graceful shutdown and exit; SIGHUP: reload (default true). */
  readonly handleSignals?: boolean;
}

export interface RunningServing {
  readonly url: string;
  readonly port: number;
  readonly service: InferenceService;
  /** Loads `uri` as a version of the served model (loaded and warmed up, not yet taking traffic). */
  load(uri: string, version?: string): Promise<ServedVersion>;
  /** Switches traffic at once; versions left out finish their requests and are closed. */
  apply(versions: readonly ServedVersion[], policy: TrafficPolicy): Promise<void>;
  /** Hot swap: load `uri`, send all traffic to it, drain and close the old versions. */
  swap(uri: string, version?: string): Promise<void>;
  /** Resolves the served URI again and swaps if it gives another model (SIGHUP does this). */
  reload(): Promise<void>;
  /** Stops accepting, finishes in-flight requests and shadows, closes the models, flushes the log. Idempotent. */
  close(): Promise<void>;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function createServeLogger(level = 'info'): FastifyBaseLogger {
  return pino(
    { level, base: { name: 'slipway-serve' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 2, sync: true }),
  );
}

/** The inference server's composition root: resolve and load the versions, build the app, listen. */
export async function startServing(options: ServeOptions): Promise<RunningServing> {
  const logger = options.logger ?? createServeLogger();
  const resolver = options.resolver ?? folderModelSource({ name: options.name, version: options.modelVersion });
  const batching = { ...DEFAULT_BATCHING, ...options.batching };
  const metrics = new ServingMetrics();
  const loadOptions = { batching, flavor: flavorOptions(options.flavor), onBatch: metrics.observeBatch.bind(metrics) };
  const primary = await resolver.resolve(options.model);
  const deployment = new ModelDeployment(primary.name);
  const log = await openLog(options.predictionLog);
  const service = new InferenceService([deployment], metrics, log);
  let current = primary;
  const labels = new Set<string>();
  const load = async (uri: string, version?: string) => {
    const resolved = await resolver.resolve(uri);
    for (const v of deployment.versions()) labels.add(v.version);
    // Another folder that resolves to a version already served gets its folder's name as version.
    const clash = labels.has(resolved.version) && uri !== options.model;
    const label = version ?? (clash ? uniqueLabel(resolved, labels) : resolved.version);
    labels.add(label);
    return loadServedVersion({ ...resolved, name: deployment.name, version: label }, loadOptions);
  };
  try {
    await applyInitial(deployment, options, load);
  } catch (error) {
    await deployment.close();
    await log?.close();
    throw error;
  }
  const app = buildServingApp(service, {
    version: options.version ?? '0.0.0',
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    allowedHosts: options.allowedHosts ?? [...LOOPBACK_NAMES, options.host ?? '127.0.0.1'],
    logger,
  });
  const close = closeOnce(app, service, log);
  const address = await listen(app, options.host ?? '127.0.0.1', options.port ?? 5000).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  const swap = async (uri: string, version?: string) => {
    const served = await load(uri, version);
    await applyOrClose(deployment, [served], singleVersion(served.version));
    logger.info({ model: deployment.name, version: served.version }, 'swapped to a new version');
  };
  const reload = async () => {
    const resolved = await resolver.resolve(options.model);
    if (resolved.digest !== undefined && resolved.digest === current.digest) return;
    current = resolved;
    await swap(options.model, resolved.version);
  };
  const removeSignals = options.handleSignals === false ? () => {} : installServeSignals(close, reload, logger);
  return {
    url: urlOf(address),
    port: address.port,
    service,
    load,
    apply: (versions, policy) => applyOrClose(deployment, versions, policy),
    swap,
    reload,
    close: async () => {
      removeSignals();
      await close();
    },
  };
}

/**
 * One runtime thread per operator by default: the batcher already keeps one inference call running, and on a
 * small machine the HTTP work needs the other cores. Both counts are always given: onnxruntime-node refuses a
 * session option that is present but undefined, which the ONNX flavor passes through.
 */
const flavorOptions = (flavor: FlavorLoadOptions = {}): FlavorLoadOptions => ({
  ...flavor,
  intraOpNumThreads: flavor.intraOpNumThreads ?? 1,
  interOpNumThreads: flavor.interOpNumThreads ?? 1,
});

type Load = (uri: string, version?: string) => Promise<ServedVersion>;

async function applyInitial(deployment: ModelDeployment, options: ServeOptions, load: Load): Promise<void> {
  const loaded: ServedVersion[] = [];
  const take = async (uri: string) => {
    const served = await load(uri);
    loaded.push(served);
    return served;
  };
  try {
    const primary = await take(options.model);
    const canaries = [];
    for (const canary of options.canary ?? [])
      canaries.push({ version: (await take(canary.uri)).version, weight: canary.weight });
    const shadow = [];
    for (const uri of options.shadow ?? []) shadow.push((await take(uri)).version);
    const rest = 100 - canaries.reduce((sum, c) => sum + c.weight, 0);
    if (rest < 0) throw invalidParameter('The canary weights add up to more than 100 percent.');
    const policy: TrafficPolicy = {
      routes: [{ version: primary.version, weight: rest }, ...canaries],
      ...(shadow.length > 0 ? { shadow } : {}),
      ...(options.stickyHeader === undefined ? {} : { stickyHeader: options.stickyHeader }),
    };
    await deployment.apply(loaded, policy);
  } catch (error) {
    await Promise.allSettled(loaded.map((served) => served.retire()));
    throw error;
  }
}

async function applyOrClose(deployment: ModelDeployment, versions: readonly ServedVersion[], policy: TrafficPolicy) {
  try {
    await deployment.apply(versions, policy);
  } catch (error) {
    const live = new Set(deployment.versions());
    await Promise.allSettled(versions.filter((v) => !live.has(v)).map((v) => v.retire()));
    throw error;
  }
}

function uniqueLabel(resolved: ResolvedModel, taken: ReadonlySet<string>): string {
  const base = servedName(basename(resolved.folder));
  let label = base;
  for (let i = 2; taken.has(label); i++) label = `${base}-${i}`;
  return label;
}

async function openLog(option: PredictionLogOption | undefined): Promise<PredictionLog | undefined> {
  if (option === undefined) return undefined;
  const sink =
    option.sink ??
    (option.server === undefined ? undefined : httpPredictionSink(option.server)) ??
    (option.file === undefined ? undefined : await openJsonlPredictionSink(option.file));
  if (sink === undefined) return undefined;
  const rate = option.sampleRate ?? 1;
  if (!(rate >= 0 && rate <= 1)) throw invalidParameter('The prediction log sample rate must be between 0 and 1.');
  return new PredictionLog(sink, {
    ...DEFAULT_PREDICTION_LOG,
    sampleRate: rate,
    flushIntervalMs: option.flushIntervalMs ?? DEFAULT_PREDICTION_LOG.flushIntervalMs,
  });
}

function closeOnce(app: FastifyInstance, service: InferenceService, log: PredictionLog | undefined) {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await app.close();
      await service.drainBackground();
      await Promise.allSettled(service.models().map((m) => m.close()));
      await log?.close();
    })();
    return closing;
  };
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<AddressInfo> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'EADDRINUSE') {
      throw new SlipwayError('RESOURCE_CONFLICT', `Port ${port} on ${host} is already in use.`, {
        hint: 'Stop the other process, or choose another port with -p (0 picks a free one).',
      });
    }
    throw toSlipwayError(error);
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw toSlipwayError(new Error('no TCP address'));
  return address;
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
