import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * The metadata database as Kysely sees it: one interface per table, columns in snake_case exactly as stored.
 * Integers are JS numbers on both dialects (PostgreSQL int8 is parsed to number by the dialect); JSON columns
 * are text and are parsed by the store module that owns them.
 */
export interface Database {
  events: EventsTable;
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  run_tags: RunTagsTable;
  params: ParamsTable;
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  datasets: DatasetsTable;
  inputs: InputsTable;
  input_tags: InputTagsTable;
  store_keys: StoreKeysTable;
  artifact_files: ArtifactFilesTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  registered_models: RegisteredModelsTable;
  model_versions: ModelVersionsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  deployments: DeploymentsTable;
  deployment_revisions: DeploymentRevisionsTable;
  releases: ReleasesTable;
}

/** The audit log: one row per change worth answering "who did what, when" about. */
export interface EventsTable {
  /** Auto-incrementing on both dialects; also the tie-breaker for events with the same time. */
  id: Generated<number>;
  /** Milliseconds since the Unix epoch. */
  time: number;
  actor: string;
  /** Dotted lower-case kind, e.g. `model_version.created`. */
  kind: string;
  /** What the event is about, e.g. `models/wine`. */
  subject: string;
  /** A JSON object, serialized. */
  payload: string;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;

/** Lifecycle of experiments and runs: deleted ones stay in the tables until garbage collection. */
export type LifecycleStage = 'active' | 'deleted';
/** MLflow's RunStatus names. */
export type RunStatusName = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** MLflow experiments (migration 0002-tracking). The default experiment has id 0 and name `Default`. */
export interface ExperimentsTable {
  experiment_id: Generated<number>;
  name: string;
  /** `mlflow-artifacts:/<experiment_id>` by default. */
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  /** Milliseconds since the Unix epoch. */
  creation_time: number;
  last_update_time: number;
}

export interface ExperimentTagsTable {
  experiment_id: number;
  key: string;
  value: string;
}

export interface RunsTable {
  /** 32 lower-case hex characters. */
  run_uuid: string;
  experiment_id: number;
  /** The run name; also stored as the `mlflow.runName` tag. */
  name: string;
  user_id: Generated<string>;
  status: RunStatusName;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: LifecycleStage;
  /** `<experiment artifact_location>/<run_uuid>/artifacts`. */
  artifact_uri: string;
  deleted_time: number | null;
}

export interface RunTagsTable {
  run_uuid: string;
  key: string;
  value: string;
}

/** Params are immutable once logged. */
export interface ParamsTable {
  run_uuid: string;
  key: string;
  value: string;
}

/**
 * Every logged metric point. NaN is stored as value 0 with is_nan 1; ±Infinity is stored as is (both dialects
 * keep IEEE infinities in double columns).
 */
export interface MetricsTable {
  run_uuid: string;
  key: string;
  value: number;
  timestamp: number;
  step: number;
  /** 0 or 1. */
  is_nan: number;
}

/** The latest point per (run, key): the greatest (step, timestamp, value), maintained on every write. */
export interface LatestMetricsTable {
  run_uuid: string;
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

/** Datasets, deduplicated per experiment by (name, digest). */
export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: number;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

/** Links a source (a dataset) to a destination (a run). */
export interface InputsTable {
  input_uuid: string;
  /** `DATASET`. */
  source_type: string;
  source_id: string;
  /** `RUN`. */
  destination_type: string;
  destination_id: string;
}

export interface InputTagsTable {
  input_uuid: string;
  name: string;
  value: string;
}

/**
 * Secrets generated once per store, shared by every server on it (e.g. `page_token` signs page tokens). The value
 * is hex. Never returned by any API.
 */
export interface StoreKeysTable {
  name: string;
  value: string;
  created_time: number;
}

export type ExperimentRow = Selectable<ExperimentsTable>;
export type RunRow = Selectable<RunsTable>;
export type MetricRow = Selectable<MetricsTable>;
export type LatestMetricRow = Selectable<LatestMetricsTable>;
export type DatasetRow = Selectable<DatasetsTable>;

/**
 * One row per file stored through the artifact proxy (migration 0003-artifacts): its canonical path under the
 * artifacts root (`<experiment_id>/<run_uuid>/artifacts/…` for run artifacts) and the object holding its bytes.
 * Many paths may share one digest. The path column sorts by code point on both dialects (prefix listing).
 */
export interface ArtifactFilesTable {
  path: string;
  /** `sha256:<hex>` of the object in the object store. */
  digest: string;
  size: number;
  /** Milliseconds since the Unix epoch; updated when the path is overwritten. */
  created_time: number;
}

export type ArtifactFileRow = Selectable<ArtifactFilesTable>;

/** A webhook subscription (migration 0006-webhooks). */
export interface WebhookSubscriptionsTable {
  id: Generated<number>;
  /** The http(s) URL deliveries are POSTed to; checked against the outbound URL rules on every delivery. */
  url: string;
  /** The registered model it is about; null for every model (a global subscription). */
  model_name: string | null;
  /** A JSON list of event kinds (`model_version.created`, …); `*` matches every kind. */
  event_kinds: string;
  /** The HMAC-SHA256 key deliveries are signed with. Never returned by any API after creation. */
  secret: string;
  description: Generated<string>;
  /** 1 or 0: an inactive subscription gets no new deliveries. */
  active: number;
  created_time: number;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * The webhook outbox: one row per (event, subscription), inserted in the registry write's transaction and drained
 * by the dispatcher. A claimed row stays `pending` with `next_attempt_time` pushed past the attempt (a lease):
 * if the replica dies mid-attempt the row becomes due again.
 */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  event_id: number;
  subscription_id: number;
  status: WebhookDeliveryStatus;
  /** Attempts started so far. */
  attempts: number;
  /** Milliseconds since the Unix epoch: when a pending row is due (or its lease ends). */
  next_attempt_time: number;
  last_status_code: number | null;
  last_error: string | null;
  created_time: number;
  updated_time: number;
}

export type WebhookSubscriptionRow = Selectable<WebhookSubscriptionsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
/**
 * Registered models (migration 0005-registry). `name` is as the user wrote it; `name_key` (NFC, percent-decoded)
 * is what makes it unique and what lookups use. `last_version` is the per-model version counter: bumped in the
 * transaction that creates a version, it keeps numbers unique and gap-free and serializes concurrent writers.
 */
export interface RegisteredModelsTable {
  model_id: Generated<number>;
  name: string;
  name_key: string;
  /** The Markdown model card, stored and served as text. */
  description: string | null;
  creation_time: number;
  last_updated_time: number;
  last_version: Generated<number>;
}

/** One version of a registered model; it pins `tree_digest` for life. Deleted versions keep their row. */
export interface ModelVersionsTable {
  model_id: number;
  version: number;
  creation_time: number;
  last_updated_time: number;
  user_id: string;
  /** MLflow's stage: `None`, `Staging`, `Production`, `Archived`. */
  current_stage: string;
  description: string | null;
  /** The source URI as registered (`runs:/…`, `mlflow-artifacts:/…`, `models:/…`). */
  source: string;
  run_id: string | null;
  run_link: string | null;
  /** `sha256:<hex>` of the tree object of the source's files when the version was created. */
  tree_digest: string;
  /** The semantic version (`1.4.0`), unique per model. */
  semver: string;
  /** The normalized MLmodel signature as JSON, or null when the model has none. */
  signature: string | null;
  /** Milliseconds since the epoch when deleted; null while it exists. */
  deleted_time: number | null;
}

export interface RegisteredModelTagsTable {
  model_id: number;
  key: string;
  value: string;
}

export interface ModelVersionTagsTable {
  model_id: number;
  version: number;
  key: string;
  value: string;
}

export interface RegisteredModelAliasesTable {
  model_id: number;
  alias: string;
  version: number;
}

export type RegisteredModelRow = Selectable<RegisteredModelsTable>;
export type ModelVersionRow = Selectable<ModelVersionsTable>;

/**
 * The current revision of each deployment (migration 0009-deployments): one registered model in one environment.
 * `revision` counts up from 1 and is the optimistic-concurrency token of writers (a write moves it from the value
 * it read to the next, or writes nothing).
 */
export interface DeploymentsTable {
  /** The registered model's name as the registry spells it. */
  model: string;
  /** A DNS label of at most 20 characters (`staging`, `production`). */
  environment: string;
  revision: number;
  /** The deployment target as JSON (`{kind, host?, port?, replicas?, url?, namespace?}`). */
  target: string;
  /** The traffic policy as JSON (`{routes: [{version, weight}], stickyHeader?, shadow?}`). */
  policy: string;
  /** Why the revision was made: `deploy`, `promote`, `canary`, `rollback` or `release`. */
  action: string;
  reason: string | null;
  /** The release that made the revision (32 hex), if one did. */
  release_id: string | null;
  actor: string;
  /** Milliseconds since the Unix epoch: the first revision's time, and the latest's. */
  created_at: number;
  updated_at: number;
}

/** Every revision of every deployment, kept while the deployment exists (the audit log keeps them for good). */
export interface DeploymentRevisionsTable {
  model: string;
  environment: string;
  revision: number;
  target: string;
  policy: string;
  action: string;
  reason: string | null;
  release_id: string | null;
  actor: string;
  /** Milliseconds since the Unix epoch. */
  time: number;
}

/** One run of the release flow; its steps are events `release.<step>.<status>` about `releases/<id>`. */
export interface ReleasesTable {
  /** 32 lower-case hex characters. */
  id: string;
  model: string;
  /** The registry version being released (decimal string), once registered. */
  version: string | null;
  /** The environment the release goes to. */
  target: string;
  /** `running`, `awaiting_approval`, `succeeded`, `failed` or `rolled_back`. */
  status: string;
  actor: string;
  created_at: number;
  updated_at: number;
}

export type DeploymentRow = Selectable<DeploymentsTable>;
export type DeploymentRevisionRow = Selectable<DeploymentRevisionsTable>;
export type ReleaseRow = Selectable<ReleasesTable>;
