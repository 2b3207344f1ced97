import type { Readable } from 'node:stream';
import type { CreateExperimentInput } from './create-experiment.js';
import type { CreateRunInput } from './create-run.js';
import type { GetMetricHistoryInput } from './get-metric-history.js';
import type { LogBatchInput } from './log-batch.js';
import type { SearchExperimentsInput } from './search-experiments.js';
import type { SearchRunsInput } from './search-runs.js';
import type { DatasetInput, Experiment, Metric, Page, Run, RunInfo } from './types.js';
import type { UpdateRunInput } from './update-run.js';

export interface PutRunArtifactInput {
  /** The run's `artifact_uri` (`mlflow-artifacts:/<experiment>/<run>/artifacts`). */
  readonly artifactUri: string;
  /** Where under the run's artifacts: `model/model.onnx`. */
  readonly path: string;
  /** The bytes, streamed. */
  readonly body: Readable;
  /** The byte count, when known (sent as Content-Length). */
  readonly size?: number | undefined;
}

/**
 * The tracking port: the primitives the SDK and the CLI need, with one SQL implementation (direct, over the use
 * cases) and one HTTP implementation (over the MLflow REST API). Both fail with the same SlipwayError codes;
 * `tracking-client.contract.ts` holds them to it.
 */
export interface TrackingClient {
  /** The tracking URI it talks to (a password replaced by `***`). */
  readonly uri: string;
  createExperiment(input: CreateExperimentInput): Promise<{ experimentId: string }>;
  /** RESOURCE_DOES_NOT_EXIST when there is none. */
  getExperimentByName(name: string): Promise<Experiment>;
  searchExperiments(input: SearchExperimentsInput): Promise<Page<Experiment>>;
  deleteExperiment(experimentId: string): Promise<void>;
  createRun(input: CreateRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  updateRun(input: UpdateRunInput): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  setTag(input: { readonly runId: string; readonly key: string; readonly value: string }): Promise<void>;
  /** At most 1000 metrics, 100 params and 100 tags per call (MLflow's limits). */
  logBatch(input: LogBatchInput): Promise<void>;
  logInputs(input: { readonly runId: string; readonly datasets: readonly DatasetInput[] }): Promise<void>;
  getMetricHistory(input: GetMetricHistoryInput): Promise<Page<Metric>>;
  searchRuns(input: SearchRunsInput): Promise<Page<Run>>;
  /** Stores one file under a run's artifacts (streamed into the object store, or PUT to the artifact proxy). */
  putArtifact(input: PutRunArtifactInput): Promise<void>;
  /** Releases what the client opened (database pools, object stores). */
  close(): Promise<void>;
}
