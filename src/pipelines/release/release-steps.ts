import { basename, join } from 'node:path';
import type { Workspace } from '../../data/workspace/workspace.js';
import { quoteString } from '../../domain/search/print-filter.js';
import { readMlmodel } from '../../models/mlmodel/mlmodel.js';
import { parseSignature } from '../../models/signature/parse-signature.js';
import { ensureRegisteredModel } from '../../registry/ensure-registered-model.js';
import type { RegistryClient } from '../../registry/registry-client.js';
import type { TrackingClient } from '../../tracking/tracking-client.js';
import { type ReproInput, reproPipeline, type StageOutcome } from '../repro.js';
import type { Pipeline } from '../types.js';
import { evaluateGates, type ReadChampion } from './evaluate-gates.js';
import { evaluateModel, evaluationRunMetrics } from './evaluate-model.js';
import { findModelRun } from './find-model-run.js';
import { readChampionMetrics, readRunMetrics } from './read-champion-metrics.js';
import { EVALUATION_PREFIX, type EvaluationConfig } from './release-config.js';
import type { RegisterOutcome, ReleaseSteps, StepOutcome } from './release-flow-types.js';
import { runSmokeTests } from './run-smoke-tests.js';

export interface ReleaseStepsDeps {
  readonly ws: Workspace;
  readonly pipeline: Pipeline;
  readonly tracking: TrackingClient;
  readonly registry: RegistryClient;
  /** How repro runs (jobs, output streams, progress); tracking is added here. */
  readonly repro: Omit<ReproInput, 'targets' | 'tracking' | 'dry'>;
  /** A registered version made local (the model cache): to evaluate a champion on the evaluation data. */
  readonly fetchVersion: (model: string, version: string) => Promise<string>;
}

/**
 * The real steps of `slipway release` over a workspace, the tracking client and the registry:
 * repro as a tracked run per stage; register the run that made the model folder (a version already registered
 * from that run is reused); gates on the run's metrics and, with `evaluation:`, on metrics Slipway computes by
 * running the candidate — and the champion, on the same rows — over the evaluation data; smoke tests against the
 * environment's endpoint; and, once an environment serves the version, the registry alias named after it.
 */
export function createReleaseSteps(deps: ReleaseStepsDeps): ReleaseSteps {
  let stages: readonly StageOutcome[] = [];
  const folderOf = (path: string) => join(deps.ws.root, ...path.split('/'));
  return {
    async repro(context) {
      const tags = { 'slipway.release.id': context.releaseId };
      const result = await reproPipeline(deps.ws, { ...deps.repro, tracking: { client: deps.tracking, tags } });
      stages = result.stages;
      return { passed: true, details: { stages: stages.map(({ name, status, runId }) => ({ name, status, runId })) } };
    },
    async register(context): Promise<RegisterOutcome> {
      const { name, path } = context.model;
      const runId = await findModelRun(deps, stages, path);
      const existing = await deps.registry.searchModelVersions({
        filter: `name = ${quoteString(name)} and run_id = ${quoteString(runId)}`,
        maxResults: 1,
      });
      const reused = existing.items[0];
      if (reused !== undefined) return { passed: true, version: reused.version, details: { runId, reused: true } };
      await ensureRegisteredModel(deps.registry, name);
      const created = await deps.registry.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
      return { passed: true, version: created.version, details: { runId, semver: created.semver } };
    },
    async gates(context): Promise<StepOutcome> {
      const version = await deps.registry.getModelVersion(context.model.name, context.version);
      const candidate = await readRunMetrics(deps.tracking, version.runId);
      const evaluation = context.model.evaluation;
      let champion: ReadChampion = (alias) => readChampionMetrics(deps, context.model.name, alias);
      if (evaluation !== undefined) {
        const measured = await evaluate(deps, folderOf(context.model.path), evaluation);
        Object.assign(candidate, measured);
        await logMetrics(deps.tracking, version.runId, measured);
        champion = withChampionEvaluation(deps, context.model.name, evaluation, champion);
      }
      const verdict = await evaluateGates({
        gates: context.model.gates,
        candidate,
        candidateLabel: `version ${context.version}`,
        champion,
      });
      const failed = verdict.results.filter((result) => !result.passed).map((result) => result.message);
      return {
        passed: verdict.passed,
        details: { results: verdict.results as unknown as Record<string, unknown>[] },
        ...(failed.length === 0 ? {} : { message: failed.join('; ') }),
      };
    },
    async smoke(context): Promise<StepOutcome> {
      const folder = folderOf(context.model.path);
      const signature = parseSignature(await readMlmodel(folder), basename(folder));
      const report = await runSmokeTests({ url: context.url, tests: context.environment.smoke, signature });
      const failed = report.results.filter((result) => !result.passed);
      return {
        passed: report.passed,
        details: { results: report.results as unknown as Record<string, unknown>[] },
        ...(failed.length === 0 ? {} : { message: failed.map((r) => `test ${r.index}: ${r.message}`).join('; ') }),
      };
    },
    async deployed(context) {
      await deps.registry.setAlias(context.model.name, context.environment.name, context.version);
    },
  };
}

async function evaluate(deps: ReleaseStepsDeps, folder: string, evaluation: EvaluationConfig) {
  const result = await evaluateModel({
    model: folder,
    data: join(deps.ws.root, ...evaluation.data.split('/')),
    dataName: evaluation.data,
    label: evaluation.label,
    metrics: evaluation.metrics,
  });
  return evaluationRunMetrics(result);
}

/**
 * Champion/challenger on the evaluation data compares like with like: a champion whose run lacks the `eval.*`
 * metrics (released before the evaluation was configured, or on other data) is fetched and evaluated on the same
 * rows as the candidate.
 */
function withChampionEvaluation(
  deps: ReleaseStepsDeps,
  model: string,
  evaluation: EvaluationConfig,
  read: ReadChampion,
): ReadChampion {
  return async (alias) => {
    const champion = await read(alias);
    if (champion === undefined) return undefined;
    const wanted = evaluation.metrics.map((metric) => `${EVALUATION_PREFIX}${metric}`);
    if (wanted.every((name) => name in champion.metrics)) return champion;
    const measured = await evaluate(deps, await deps.fetchVersion(model, champion.version), evaluation);
    return { ...champion, metrics: { ...champion.metrics, ...measured } };
  };
}

async function logMetrics(tracking: TrackingClient, runId: string, metrics: Readonly<Record<string, number>>) {
  const timestamp = Date.now();
  const points = Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step: 0 }));
  if (points.length > 0) await tracking.logBatch({ runId, metrics: points });
}
