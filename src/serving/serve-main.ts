import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { invalidParameter, SlipwayError, toSlipwayError } from '../domain/errors.js';
import type { FlavorLoadOptions } from '../models/flavors/flavor.js';
import type { LoadVersionOptions } from './engine/load-version.js';
import { DEFAULT_BATCHING } from './engine/micro-batcher.js';
import { buildServingApp, DEFAULT_BODY_LIMIT_BYTES } from './http/serving-app.js';
import { InferenceService } from './inference-service.js';
import { httpPredictionSink } from './log/http-prediction-sink.js';
import { openJsonlPredictionSink } from './log/jsonl-prediction-sink.js';
import { DEFAULT_PREDICTION_LOG, PredictionLog } from './log/prediction-log.js';
import type { PredictionLogOption, RunningServing, ServeOptions } from './serve-options.js';
import { installServeSignals } from './serve-shutdown.js';
import { ServingMetrics } from './serving-metrics.js';
import { followingDeployment, servingModel } from './serving-modes.js';

export type {
  CanaryOption,
  FollowDeploymentOption,
  PredictionLogOption,
  RunningServing,
  ServeDeploymentOptions,
  ServeModelOptions,
  ServeOptions,
} from './serve-options.js';

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
