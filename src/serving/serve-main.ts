import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { DeploymentsClient } from '../deploy/deployments/deployments-client.js';
import { invalidParameter, SlipwayError, toSlipwayError } from '../domain/errors.js';
import type { FlavorLoadOptions } from '../models/flavors/flavor.js';
import { DeploymentFollower } from './deployment/follow-deployment.js';
import { type LoadVersionOptions, loadServedVersion } from './engine/load-version.js';
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

/** Follow a deployment record instead of serving one model URI: its revisions are applied by hot swap. */
export interface FollowDeploymentOption {
  readonly client: Pick<DeploymentsClient, 'getDeployment' | 'close'>;
  /** The registered model's name (also the served name). */
  readonly model: string;
  readonly environment: string;
  /** Default 1 s. */
  readonly pollIntervalMs?: number;
  /** The longest wait before a revision that failed to load is tried again (default 30 s). */
  readonly maxBackoffMs?: number;
  /** Close `client` when the server closes (the CLI opens one for the server). */
  readonly closeClient?: boolean;
}

interface ServeModelOptions {
  /** The model to serve: a local folder, or any URI `resolver` understands. */
  readonly model: string;
  readonly deployment?: undefined;
  /** Served name and version for the folder resolver (default: the folder's name, version `1`). */
  readonly name?: string;
  readonly modelVersion?: string;
  readonly canary?: readonly CanaryOption[];
  /** Versions mirrored every request; their answers are logged, never returned. */
  readonly shadow?: readonly string[];
  /** Route by the hash of this request header (sticky A/B) instead of at random. */
  readonly stickyHeader?: string;
}

interface ServeDeploymentOptions {
  readonly model?: undefined;
  /** The deployment to follow; `resolver` must understand `models:/<model>/<version>`. */
  readonly deployment: FollowDeploymentOption;
}

/** Either one model URI (with optional canaries and shadows) or a deployment to follow. */
export type ServeOptions = (ServeModelOptions | ServeDeploymentOptions) & {
  readonly host?: string;
  readonly port?: number;
  /** URI → local folder; default folders only. The registry plugs `models:/…` and `runs:/…` in here. */
  readonly resolver?: ModelSourceResolver;
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
};

export interface RunningServing {
  readonly url: string;
  readonly port: number;
  readonly service: InferenceService;
  /** The deployment follower, when the server follows a deployment. */
  readonly follower?: DeploymentFollower;
  /** Loads `uri` as a version of the served model (loaded and warmed up, not yet taking traffic). */
  load(uri: string, version?: string): Promise<ServedVersion>;
  /** Switches traffic at once; versions left out finish their requests and are closed. */
  apply(versions: readonly ServedVersion[], policy: TrafficPolicy): Promise<void>;
  /** Hot swap: load `uri`, send all traffic to it, drain and close the old versions (not when following). */
  swap(uri: string, version?: string): Promise<void>;
  /** Resolves the served URI again and swaps if it gives another model; reads the followed deployment (SIGHUP). */
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

/** The inference server's composition root: load the versions (or follow a deployment), build the app, listen. */
export async function startServing(options: ServeOptions): Promise<RunningServing> {
  const logger = options.logger ?? createServeLogger();
  const metrics = new ServingMetrics();
  const loadOptions: LoadVersionOptions = {
    batching: { ...DEFAULT_BATCHING, ...options.batching },
    flavor: flavorOptions(options.flavor),
    onBatch: metrics.observeBatch.bind(metrics),
  };
  const mode =
    options.deployment === undefined
      ? await servingModel(options, loadOptions, logger)
      : followingDeployment(options.deployment, options.resolver, loadOptions, logger);
  const { deployment, follower } = mode;
  let log: PredictionLog | undefined;
  try {
    log = await openLog(options.predictionLog);
    await mode.prepare();
  } catch (error) {
    await Promise.allSettled([deployment.close(), log?.close(), mode.stop()]);
    throw error;
  }
  const service = new InferenceService([deployment], metrics, log);
  const app = buildServingApp(service, {
    version: options.version ?? '0.0.0',
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    allowedHosts: options.allowedHosts ?? [...LOOPBACK_NAMES, options.host ?? '127.0.0.1'],
    logger,
    ...(follower === undefined ? {} : { deployment: follower }),
  });
  const close = closeOnce(app, service, log, mode.stop);
  const address = await listen(app, options.host ?? '127.0.0.1', options.port ?? 5000).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  follower?.start();
  const removeSignals = options.handleSignals === false ? () => {} : installServeSignals(close, mode.reload, logger);
  return {
    url: urlOf(address),
    port: address.port,
    service,
    ...(follower === undefined ? {} : { follower }),
    load: mode.load,
    apply: mode.apply,
    swap: mode.swap,
    reload: mode.reload,
    close: async () => {
      removeSignals();
      await close();
    },
  };
}

/** What differs between serving a model URI and following a deployment. */
interface ServingMode {
  readonly deployment: ModelDeployment;
  readonly follower?: DeploymentFollower;
  readonly load: Load;
  readonly apply: RunningServing['apply'];
  readonly swap: RunningServing['swap'];
  readonly reload: () => Promise<void>;
  /** Loads and applies the first versions, before the server listens. */
  prepare(): Promise<void>;
  /** Runs first when the server closes. */
  stop(): Promise<void>;
}

type Load = (uri: string, version?: string) => Promise<ServedVersion>;

/** One model URI (plus canaries and shadows); SIGHUP resolves it again and swaps if it moved. */
async function servingModel(
  options: ServeModelOptions & Pick<ServeOptions, 'resolver'>,
  loadOptions: LoadVersionOptions,
  logger: FastifyBaseLogger,
): Promise<ServingMode> {
  const resolver = options.resolver ?? folderModelSource({ name: options.name, version: options.modelVersion });
  let current = await resolver.resolve(options.model);
  const deployment = new ModelDeployment(current.name);
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
  const apply = (versions: readonly ServedVersion[], policy: TrafficPolicy) =>
    applyOrClose(deployment, versions, policy);
  const prepare = () => applyInitial(deployment, options, load);
  return { deployment, load, apply, swap, reload, prepare, stop: async () => {} };
}

/** A deployment record: the follower applies its revisions; swaps by hand are refused (change the deployment). */
function followingDeployment(
  follow: FollowDeploymentOption,
  resolver: ModelSourceResolver | undefined,
  loadOptions: LoadVersionOptions,
  logger: FastifyBaseLogger,
): ServingMode {
  if (resolver === undefined) {
    throw invalidParameter('Following a deployment needs a resolver for models:/<name>/<version> URIs.');
  }
  const deployment = new ModelDeployment(servedName(follow.model));
  const follower = new DeploymentFollower({ ...follow, resolver, deployment, load: loadOptions, logger });
  const refuse = async () => {
    throw invalidParameter(`This server follows the deployment ${follow.model}/${follow.environment}.`, {
      hint: 'Change the deployment instead; the server applies its new revision by itself.',
    });
  };
  const load: Load = async (uri, version) => {
    const resolved = await resolver.resolve(uri);
    return loadServedVersion({ ...resolved, name: deployment.name, version: version ?? resolved.version }, loadOptions);
  };
  const stop = async () => {
    await follower.close();
    if (follow.closeClient === true) await follow.client.close();
  };
  const prepare = async () => {};
  return { deployment, follower, load, apply: refuse, swap: refuse, reload: () => follower.poll(), prepare, stop };
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

async function applyInitial(deployment: ModelDeployment, options: ServeModelOptions, load: Load): Promise<void> {
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

function closeOnce(
  app: FastifyInstance,
  service: InferenceService,
  log: PredictionLog | undefined,
  stop: () => Promise<void>,
) {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await stop().catch(() => {});
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
