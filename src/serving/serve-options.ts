import type { FastifyBaseLogger } from 'fastify';
import type { DeploymentsClient } from '../deploy/deployments/deployments-client.js';
import type { FlavorLoadOptions } from '../models/flavors/flavor.js';
import type { DeploymentFollower } from './deployment/follow-deployment.js';
import type { BatchingOptions } from './engine/micro-batcher.js';
import type { ServedVersion } from './engine/served-version.js';
import type { TrafficPolicy } from './engine/traffic-policy.js';
import type { InferenceService } from './inference-service.js';
import type { PredictionSink } from './log/prediction-log.js';
import type { ModelSourceResolver } from './source/model-source.js';

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
  /** Close `client` when the server closes or fails to start (the CLI opens one for the server). */
  readonly closeClient?: boolean;
}

export interface ServeModelOptions {
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

export interface ServeDeploymentOptions {
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
