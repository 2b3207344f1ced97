import { artifactRootOf } from '../../artifacts/run-artifact-root.js';
import { joinArtifactPath, parseArtifactPath } from '../../domain/artifact-path.js';
import { alreadyExists, invalidParameter, notFound } from '../../domain/errors.js';
import { EXPERIMENT_SEARCH_GRAMMAR } from '../../domain/search/experiment-search-grammar.js';
import { parseFilter } from '../../domain/search/parse-filter.js';
import { parseOrderByList } from '../../domain/search/parse-order-by.js';
import { RUN_SEARCH_GRAMMAR } from '../../domain/search/run-search-grammar.js';
import { isLater } from '../../storage/metadata/tracking/metrics.js';
import { checkArtifactLocation } from '../artifact-location.js';
import { resolveRunName } from '../create-run.js';
import { newRunId, parseExperimentId, RUN_ID_PATTERN } from '../ids.js';
import { TRACKING_LIMITS } from '../limits.js';
import { checkBatchLimits } from '../log-batch.js';
import { checkDatasetInput, uniqueInputs } from '../log-inputs.js';
import { searchPageSize, stagesOf } from '../search/search-options.js';
import type { PutRunArtifactInput, TrackingClient } from '../tracking-client.js';
import type { DatasetInput, Experiment, Metric, Page, Run, RunInfo, Tag } from '../types.js';
import {
  checkExperimentName,
  checkLength,
  checkTagCount,
  checkTags,
  checkTimestamp,
  EXPERIMENT_TAG_LIMITS,
  invalidValue,
  missingValue,
  quote,
  RUN_TAG_LIMITS,
} from '../validate.js';
import { checkBatch, RUN_NAME_TAG, refuseChangedParams, singlePaths } from '../write-batch.js';
import { compareExperiments, compareRuns, experimentMatches, runMatches } from './in-memory-search.js';

interface StoredRun {
  info: RunInfo;
  readonly tags: Map<string, string>;
  readonly params: Map<string, string>;
  readonly latest: Map<string, Metric>;
  readonly history: Map<string, Metric[]>;
  readonly inputs: DatasetInput[];
}

interface StoredExperiment {
  experiment: Experiment;
  readonly tags: Map<string, string>;
}

const entries = (map: ReadonlyMap<string, string>): Tag[] =>
  [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => ({ key, value }));

/** The (step, timestamp, value) order of a history, NaN counting as 0 (as the SQL store keeps it). */
const historyOrder = (a: Metric, b: Metric) =>
  isLater(a, b) ? 1 : isLater(b, a) ? -1 : Number(Number.isNaN(a.value)) - Number(Number.isNaN(b.value));

/**
 * Page tokens of the fake: an offset and what the listing was, base64url JSON. Unsigned (nothing here is worth
 * forging), but a token that does not decode to one of ours is INVALID_PARAMETER_VALUE, as the stores' are.
 */
function readToken(token: string | undefined, scope: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; o?: unknown };
    if (payload.s === scope && Number.isSafeInteger(payload.o) && (payload.o as number) >= 0)
      return payload.o as number;
  } catch {
    // Falls through to the error below.
  }
  throw invalidParameter('Invalid page_token: it is not one this store issued.', {
    hint: 'Pass the next_page_token of the previous page unchanged, with the same query.',
  });
}

function page<T>(items: readonly T[], offset: number, limit: number, scope: string): Page<T> {
  const slice = items.slice(offset, offset + limit);
  if (offset + limit >= items.length) return { items: slice };
  const next = Buffer.from(JSON.stringify({ s: scope, o: offset + limit })).toString('base64url');
  return { items: slice, nextPageToken: next };
}

/**
 * The tracking port in memory, for tests of code that logs runs (the SDK, `slipway runs start`, pipelines): the
 * same validation and error codes as the SQL client (it reuses the use cases' checks), search through the same
 * filter parser, evaluated over the runs in memory. Not safe to share between processes; nothing is persisted.
 */
export class InMemoryTrackingClient implements TrackingClient {
  readonly uri = 'memory://';
  readonly #experiments = new Map<string, StoredExperiment>();
  readonly #runs = new Map<string, StoredRun>();
  readonly #artifacts = new Map<string, Buffer>();
  readonly #now: () => number;
  #nextExperimentId = 1;

  constructor(options: { readonly now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    const time = this.#now();
    this.#experiments.set('0', {
      experiment: {
        experimentId: '0',
        name: 'Default',
        artifactLocation: 'mlflow-artifacts:/0',
        lifecycleStage: 'active',
        creationTime: time,
        lastUpdateTime: time,
        tags: [],
      },
      tags: new Map(),
    });
  }

  /** Every artifact stored, by `<artifact root>/<path>`: for assertions. */
  get artifacts(): ReadonlyMap<string, Buffer> {
    return this.#artifacts;
  }

  async createExperiment(input: Parameters<TrackingClient['createExperiment']>[0]) {
    checkExperimentName('name', input.name);
    if (input.artifactLocation !== undefined) checkArtifactLocation('artifact_location', input.artifactLocation);
    checkTagCount('tags', input.tags?.length ?? 0, TRACKING_LIMITS.maxTagsPerCreate);
    const tags = checkTags('tags', input.tags ?? [], EXPERIMENT_TAG_LIMITS);
    if ([...this.#experiments.values()].some((e) => e.experiment.name === input.name)) {
      throw alreadyExists(`Experiment(name=${input.name}) already exists.`);
    }
    const experimentId = String(this.#nextExperimentId++);
    const time = this.#now();
    const stored: StoredExperiment = {
      experiment: {
        experimentId,
        name: input.name,
        artifactLocation: input.artifactLocation ?? `mlflow-artifacts:/${experimentId}`,
        lifecycleStage: 'active',
        creationTime: time,
        lastUpdateTime: time,
        tags: [],
      },
      tags: new Map(tags.map((tag) => [tag.key, tag.value])),
    };
    this.#experiments.set(experimentId, stored);
    return { experimentId };
  }

  async getExperimentByName(name: string): Promise<Experiment> {
    if (name === '') throw missingValue('experiment_name');
    const found = [...this.#experiments.values()].find((e) => e.experiment.name === name);
    if (found === undefined) throw notFound(`Could not find experiment with name ${quote(name)}`);
    return this.#experimentOf(found);
  }

  async searchExperiments(input: Parameters<TrackingClient['searchExperiments']>[0]): Promise<Page<Experiment>> {
    const limit = searchPageSize(input.maxResults);
    const clauses = parseFilter(input.filter ?? '', EXPERIMENT_SEARCH_GRAMMAR);
    const orderBy = parseOrderByList(input.orderBy ?? [], EXPERIMENT_SEARCH_GRAMMAR);
    const stages = stagesOf(input.viewType);
    const scope = JSON.stringify(['experiments', input.filter ?? '', input.viewType ?? '', input.orderBy ?? []]);
    const found = [...this.#experiments.values()]
      .map((stored) => this.#experimentOf(stored))
      .filter((e) => stages.includes(e.lifecycleStage) && clauses.every((c) => experimentMatches(e, c)))
      .sort(compareExperiments(orderBy));
    return page(found, readToken(input.pageToken, scope), limit, scope);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    const stored = this.#experiment(experimentId);
    if (stored.experiment.lifecycleStage !== 'active') {
      throw notFound(`No active experiment with id=${experimentId} exists (it is already deleted).`);
    }
    stored.experiment = { ...stored.experiment, lifecycleStage: 'deleted', lastUpdateTime: this.#now() };
    for (const run of this.#runs.values()) {
      if (run.info.experimentId === experimentId) run.info = { ...run.info, lifecycleStage: 'deleted' };
    }
  }

  async createRun(input: Parameters<TrackingClient['createRun']>[0]): Promise<Run> {
    checkTagCount('tags', input.tags?.length ?? 0, TRACKING_LIMITS.maxTagsPerCreate);
    const given = checkTags('tags', input.tags ?? [], RUN_TAG_LIMITS);
    const runName = resolveRunName(input.runName, given.find((tag) => tag.key === RUN_NAME_TAG)?.value);
    const userId = input.userId ?? '';
    checkLength('user_id', userId, TRACKING_LIMITS.maxUserIdLength);
    if (input.startTime !== undefined) checkTimestamp('start_time', input.startTime);
    const experiment = this.#experiment(input.experimentId ?? '0').experiment;
    if (experiment.lifecycleStage !== 'active') {
      throw invalidParameter(`The experiment ${experiment.experimentId} must be in the 'active' state.`);
    }
    const runId = newRunId();
    const tags = new Map(given.map((tag) => [tag.key, tag.value]));
    tags.set(RUN_NAME_TAG, runName);
    this.#runs.set(runId, {
      info: {
        runId,
        runName,
        experimentId: experiment.experimentId,
        userId,
        status: 'RUNNING',
        startTime: input.startTime ?? this.#now(),
        endTime: null,
        artifactUri: `${experiment.artifactLocation}/${runId}/artifacts`,
        lifecycleStage: 'active',
      },
      tags,
      params: new Map(),
      latest: new Map(),
      history: new Map(),
      inputs: [],
    });
    return this.getRun(runId);
  }

  async getRun(runId: string): Promise<Run> {
    return this.#runOf(this.#run(runId));
  }

  async updateRun(input: Parameters<TrackingClient['updateRun']>[0]): Promise<RunInfo> {
    if (input.endTime !== undefined) checkTimestamp('end_time', input.endTime);
    const runName = input.runName === '' ? undefined : input.runName;
    if (runName !== undefined) checkLength('run_name', runName, TRACKING_LIMITS.maxRunNameLength);
    const run = this.#activeRun(input.runId);
    run.info = {
      ...run.info,
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(input.endTime === undefined ? {} : { endTime: input.endTime }),
      ...(runName === undefined ? {} : { runName }),
    };
    if (runName !== undefined) run.tags.set(RUN_NAME_TAG, runName);
    return run.info;
  }

  async deleteRun(runId: string): Promise<void> {
    const run = this.#run(runId);
    run.info = { ...run.info, lifecycleStage: 'deleted' };
  }

  async setTag(input: { readonly runId: string; readonly key: string; readonly value: string }): Promise<void> {
    const batch = checkBatch({ tags: [{ key: input.key, value: input.value }] }, singlePaths);
    this.#write(this.#activeRun(input.runId), batch);
  }

  async logBatch(input: Parameters<TrackingClient['logBatch']>[0]): Promise<void> {
    checkBatchLimits(input);
    const batch = checkBatch(input);
    const run = this.#activeRun(input.runId);
    refuseChangedParams(input.runId, batch.params, run.params);
    this.#write(run, batch);
  }

  async logInputs(input: { readonly runId: string; readonly datasets: readonly DatasetInput[] }): Promise<void> {
    checkTagCount('datasets', input.datasets.length, TRACKING_LIMITS.maxDatasetsPerRequest);
    const checked = uniqueInputs(input.datasets.map((entry, index) => checkDatasetInput(entry, `datasets[${index}]`)));
    const run = this.#activeRun(input.runId);
    for (const entry of checked) {
      const linked = run.inputs.some(
        (i) => i.dataset.name === entry.dataset.name && i.dataset.digest === entry.dataset.digest,
      );
      if (!linked) run.inputs.push(entry);
    }
  }

  async getMetricHistory(input: Parameters<TrackingClient['getMetricHistory']>[0]): Promise<Page<Metric>> {
    if (input.metricKey === '') throw missingValue('metric_key');
    const max = input.maxResults ?? TRACKING_LIMITS.maxMetricHistoryPage;
    if (!Number.isSafeInteger(max) || max < 1) throw invalidValue('max_results', max, 'it must be a positive integer.');
    const history = this.#run(input.runId).history.get(input.metricKey) ?? [];
    const scope = JSON.stringify(['history', input.runId, input.metricKey]);
    const limit = Math.min(max, TRACKING_LIMITS.maxMetricHistoryPage);
    return page(history, readToken(input.pageToken, scope), limit, scope);
  }

  async searchRuns(input: Parameters<TrackingClient['searchRuns']>[0]): Promise<Page<Run>> {
    const limit = searchPageSize(input.maxResults);
    const ids = input.experimentIds.map((id, index) => {
      if (parseExperimentId(id) === undefined)
        throw invalidValue(`experiment_ids[${index}]`, id, 'it is not an experiment id.');
      return id;
    });
    const clauses = parseFilter(input.filter ?? '', RUN_SEARCH_GRAMMAR);
    const orderBy = parseOrderByList(input.orderBy ?? [], RUN_SEARCH_GRAMMAR);
    const stages = stagesOf(input.runViewType);
    const scope = JSON.stringify(['runs', ids, input.filter ?? '', input.runViewType ?? '', input.orderBy ?? []]);
    const found = [...this.#runs.values()]
      .filter((run) => ids.includes(run.info.experimentId) && stages.includes(run.info.lifecycleStage))
      .map((run) => this.#runOf(run))
      .filter((run) => clauses.every((clause) => runMatches(run, clause)))
      .sort(compareRuns(orderBy));
    return page(found, readToken(input.pageToken, scope), limit, scope);
  }

  async putArtifact(input: PutRunArtifactInput): Promise<void> {
    const path = joinArtifactPath('path', artifactRootOf(input.artifactUri), parseArtifactPath(input.path));
    const chunks: Buffer[] = [];
    for await (const chunk of input.body) chunks.push(Buffer.from(chunk as Uint8Array));
    this.#artifacts.set(path, Buffer.concat(chunks));
  }

  async close(): Promise<void> {}

  #write(run: StoredRun, batch: ReturnType<typeof checkBatch>): void {
    for (const param of batch.params) run.params.set(param.key, param.value);
    for (const metric of batch.metrics) this.#logMetric(run, metric);
    for (const tag of batch.tags) {
      run.tags.set(tag.key, tag.value);
      if (tag.key === RUN_NAME_TAG) run.info = { ...run.info, runName: tag.value };
    }
  }

  #logMetric(run: StoredRun, metric: Metric): void {
    const history = run.history.get(metric.key) ?? [];
    if (history.some((m) => historyOrder(m, metric) === 0)) return;
    history.push(metric);
    history.sort(historyOrder);
    run.history.set(metric.key, history);
    const latest = run.latest.get(metric.key);
    if (latest === undefined || isLater(metric, latest)) run.latest.set(metric.key, metric);
  }

  #experiment(experimentId: string): StoredExperiment {
    if (experimentId === '') throw missingValue('experiment_id');
    const stored = this.#experiments.get(experimentId);
    if (stored === undefined) throw notFound(`No Experiment with id=${experimentId.slice(0, 100)} exists`);
    return stored;
  }

  #experimentOf(stored: StoredExperiment): Experiment {
    return { ...stored.experiment, tags: entries(stored.tags) };
  }

  #run(runId: string): StoredRun {
    if (runId === '') throw missingValue('run_id');
    if (!RUN_ID_PATTERN.test(runId)) throw invalidValue('run_id', runId, 'it is not a run id.');
    const run = this.#runs.get(runId);
    if (run === undefined) throw notFound(`Run with id=${runId} not found`);
    return run;
  }

  #activeRun(runId: string): StoredRun {
    const run = this.#run(runId);
    if (run.info.lifecycleStage !== 'active') {
      throw invalidParameter(`The run ${runId} must be in the 'active' state. Current state is deleted.`);
    }
    return run;
  }

  #runOf(run: StoredRun): Run {
    const metrics = [...run.latest.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return {
      info: run.info,
      data: { metrics, params: entries(run.params), tags: entries(run.tags) },
      inputs: { datasetInputs: [...run.inputs] },
    };
  }
}
