import { z } from 'zod';
import { doubleField, int32Field, int64Field, keyValueSchema, stringField } from './common.js';
import { metricSchema, runIdRequestSchema } from './runs.js';

/** Logging and history messages of mlflow/protos/service.proto, snake_case as on the wire. */

export const logParamRequestSchema = runIdRequestSchema.extend({ key: stringField, value: stringField });

export const logMetricRequestSchema = runIdRequestSchema.extend({
  key: stringField,
  value: doubleField,
  timestamp: int64Field,
  step: int64Field.default(0),
});

export const metricEntrySchema = z.object({
  key: stringField,
  value: doubleField,
  timestamp: int64Field,
  step: int64Field.default(0),
});

export const logBatchRequestSchema = z.object({
  run_id: stringField.optional(),
  metrics: z.array(metricEntrySchema).optional(),
  params: z.array(keyValueSchema).optional(),
  tags: z.array(keyValueSchema).optional(),
});

export const getMetricHistoryRequestSchema = runIdRequestSchema.extend({
  metric_key: stringField,
  page_token: stringField.optional(),
  max_results: int32Field.optional(),
});

export const getMetricHistoryResponseSchema = z.object({
  metrics: z.array(metricSchema).optional(),
  next_page_token: z.string().optional(),
});

export const datasetRequestSchema = z.object({
  name: stringField,
  digest: stringField,
  source_type: stringField,
  source: stringField,
  schema: stringField.optional(),
  profile: stringField.optional(),
});

export const logInputsRequestSchema = z.object({
  run_id: stringField.optional(),
  datasets: z.array(z.object({ tags: z.array(keyValueSchema).optional(), dataset: datasetRequestSchema })).optional(),
});

export const logModelRequestSchema = z.object({ run_id: stringField.optional(), model_json: stringField });

export type LogBatchRequest = z.infer<typeof logBatchRequestSchema>;
export type GetMetricHistoryResponse = z.infer<typeof getMetricHistoryResponseSchema>;
