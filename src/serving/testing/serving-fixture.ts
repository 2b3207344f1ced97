import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadServedVersion } from '../engine/load-version.js';
import { type BatchingOptions, DEFAULT_BATCHING } from '../engine/micro-batcher.js';
import { ModelDeployment } from '../engine/model-deployment.js';
import type { ServedVersion } from '../engine/served-version.js';
import type { TrafficPolicy } from '../engine/traffic-policy.js';
import { buildServingApp } from '../http/serving-app.js';
import { InferenceService } from '../inference-service.js';
import { memoryPredictionSink } from '../log/jsonl-prediction-sink.js';
import { DEFAULT_PREDICTION_LOG, PredictionLog } from '../log/prediction-log.js';
import { ServingMetrics } from '../serving-metrics.js';
import { writeWineModel } from './wine-model.js';

export interface ServingFixture {
  readonly dir: string;
  /** Two wine-like model folders with different weights. */
  readonly folders: readonly [string, string, string];
  load(folder: string, version: string, batching?: Partial<BatchingOptions>): Promise<ServedVersion>;
  cleanup(): Promise<void>;
}

export const THREADS = { intraOpNumThreads: 1, interOpNumThreads: 1 } as const;

/** A temporary folder with three wine-like models (seeds 1, 2, 3). */
export async function servingFixture(): Promise<ServingFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-serving-'));
  const folders = [
    await writeWineModel(join(dir, 'wine'), { seed: 1 }),
    await writeWineModel(join(dir, 'wine-2'), { seed: 2 }),
    await writeWineModel(join(dir, 'wine-3'), { seed: 3 }),
  ] as const;
  const loaded: ServedVersion[] = [];
  return {
    dir,
    folders,
    async load(folder, version, batching = {}) {
      const served = await loadServedVersion(
        { folder, name: 'wine', version },
        { batching: { ...DEFAULT_BATCHING, ...batching }, flavor: THREADS },
      );
      loaded.push(served);
      return served;
    },
    async cleanup() {
      await Promise.allSettled(loaded.map((served) => served.retire()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestServer {
  readonly app: FastifyInstance;
  readonly service: InferenceService;
  readonly deployment: ModelDeployment;
  readonly sink: ReturnType<typeof memoryPredictionSink>;
  readonly log: PredictionLog;
}

/** An inference app (not listening: use `inject`) over the given versions and policy, logging to memory. */
export async function testServer(versions: readonly ServedVersion[], policy: TrafficPolicy): Promise<TestServer> {
  const deployment = new ModelDeployment('wine');
  await deployment.apply(versions, policy);
  const sink = memoryPredictionSink();
  const log = new PredictionLog(sink, { ...DEFAULT_PREDICTION_LOG, flushIntervalMs: 10 });
  const service = new InferenceService([deployment], new ServingMetrics(), log);
  const app = buildServingApp(service, { version: '9.9.9', bodyLimitBytes: 1024 * 1024, allowedHosts: ['localhost'] });
  return { app, service, deployment, sink, log };
}
