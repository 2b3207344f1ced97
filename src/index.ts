/**
 * The public SDK entry of the `slipway` package: the tracking SDK (Slipway.connect, startRun), the tracking
 * port, the error family and the configuration loader.
 * Nothing here loads a database driver, an HTTP server or a cloud SDK.
 */

export { type OpenTrackingClientOptions, openTrackingClient } from './client/open-tracking-client.js';
export type { Config, ConfigLayer, LinkMode, LogLevel, ServerConfig } from './config/config-schema.js';
export { ENV_VARIABLES, type Env } from './config/env-layer.js';
export { type LoadConfigOptions, loadConfig } from './config/load-config.js';
export { slipwayVersion } from './config/slipway-version.js';
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorResponse,
  errorCodeSchema,
  errorResponseSchema,
} from './contract/error-codes.js';
export type { AddedTarget, AddInput, AddResult } from './data/add.js';
export type { Pointer } from './data/pointer/pointer-file.js';
export type { ProgressEvent, ProgressListener } from './data/progress.js';
export type { ReferenceProvider, ReferenceScope } from './data/references.js';
export { type AddOptions, add, type OpenOptions, open, type WorkspaceLocation } from './data/sdk.js';
export {
  alreadyExists,
  corruptObject,
  invalidParameter,
  isSlipwayError,
  notFound,
  SlipwayError,
  type SlipwayErrorOptions,
  toSlipwayError,
} from './domain/errors.js';
export type { ModelVersion, RegisteredModel } from './registry/types.js';
export type { MetricBatcherOptions } from './sdk/metric-batcher.js';
export type { RegisterModelInput } from './sdk/register-model.js';
export { type ConnectOptions, Slipway, type StartRunOptions } from './sdk/slipway.js';
export { type DatasetLog, type MetricOptions, SlipwayRun } from './sdk/slipway-run.js';
export type { PutRunArtifactInput, TrackingClient } from './tracking/tracking-client.js';
export type {
  Dataset,
  DatasetInput,
  Experiment,
  Metric,
  Page,
  Param,
  Run,
  RunData,
  RunInfo,
  RunStatus,
  Tag,
} from './tracking/types.js';
