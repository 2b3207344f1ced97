/**
 * MLflow's validation limits, pinned to MLflow 2.17.0 (`mlflow/utils/validation.py`; the run tag value limit
 * became 8000 there, mlflow/mlflow#13176) and `mlflow/store/tracking/__init__.py` for paging. Lengths are in
 * characters (UTF-16 code units here, Python code points there: equal for text without astral characters).
 * Where MLflow truncates an over-long value (MLFLOW_TRUNCATE_LONG_VALUES), Slipway refuses it instead.
 * Limits without an MLflow counterpart are marked; they are the widths of MLflow's SQL columns.
 */
export const MLFLOW_LIMITS_VERSION = '2.17.0';

export const TRACKING_LIMITS = Object.freeze({
  /** log-batch: metrics, params, tags and all entities per request. */
  maxMetricsPerBatch: 1000,
  maxParamsPerBatch: 100,
  maxTagsPerBatch: 100,
  maxEntitiesPerBatch: 1000,
  /** log-batch: bytes of the JSON request body. */
  maxBatchRequestBytes: 1_000_000,
  /** Metric, param and run tag keys. */
  maxEntityKeyLength: 250,
  maxParamValueLength: 6000,
  maxTagValueLength: 8000,
  maxExperimentNameLength: 500,
  maxExperimentTagKeyLength: 250,
  maxExperimentTagValueLength: 5000,
  /** log-inputs: datasets per request and the sizes of their fields. */
  maxDatasetsPerRequest: 1000,
  maxDatasetNameLength: 500,
  maxDatasetDigestLength: 36,
  maxDatasetSchemaLength: 1_048_575,
  maxDatasetSourceLength: 65_535,
  maxDatasetProfileLength: 16_777_215,
  maxDatasetSourceTypeLength: 36,
  maxInputTagKeyLength: 255,
  maxInputTagValueLength: 500,
  /** Slipway: MLflow's runs.name column width. */
  maxRunNameLength: 250,
  /** Slipway: MLflow's runs.user_id column width. */
  maxUserIdLength: 256,
  /** Slipway: MLflow's experiments.artifact_location column width. */
  maxArtifactLocationLength: 256,
  /** Slipway: tags per create-run / create-experiment request (MLflow has none; log-batch allows 100). */
  maxTagsPerCreate: 100,
  /** get-metric-history page size: larger max_results are capped to it (MLflow's GET_METRIC_HISTORY_MAX_RESULTS). */
  maxMetricHistoryPage: 25_000,
  /** log-model: bytes of the model JSON. */
  maxModelJsonLength: 1_000_000,
});

export type TrackingLimits = typeof TRACKING_LIMITS;
