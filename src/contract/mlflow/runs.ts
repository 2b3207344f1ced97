import { z } from 'zod';
import {
  experimentIdField,
  int64Field,
  keyValueSchema,
  runStatusField,
  stringField,
  wireDoubleSchema,
} from './common.js';

/** Run messages of mlflow/protos/service.proto, snake_case as on the wire. */

export const createRunRequestSchema = z.object({
  experiment_id: experimentIdField.optional(),
  user_id: stringField.optional(),
  run_name: stringField.optional(),
  start_time: int64Field.optional(),
  tags: z.array(keyValueSchema).optional(),
});

/** GetRun, DeleteRun, RestoreRun: MLflow clients send run_id, older ones run_uuid, some both. */
export const runIdRequestSchema = z.object({ run_id: stringField.optional(), run_uuid: stringField.optional() });

export const updateRunRequestSchema = runIdRequestSchema.extend({
  status: runStatusField.optional(),
  end_time: int64Field.optional(),
  run_name: stringField.optional(),
});

export const setTagRequestSchema = runIdRequestSchema.extend({ key: stringField, value: stringField });

export const deleteTagRequestSchema = runIdRequestSchema.extend({ key: stringField });

export const runInfoSchema = z.object({
  run_id: z.string(),
  run_uuid: z.string(),
  run_name: z.string(),
  experiment_id: z.string(),
  user_id: z.string(),
  status: runStatusField,
  start_time: z.number().optional(),
  /** Absent while the run has not ended. */
  end_time: z.number().optional(),
  artifact_uri: z.string(),
  lifecycle_stage: z.enum(['active', 'deleted']),
});

export const metricSchema = z.object({
  key: z.string(),
  value: wireDoubleSchema,
  timestamp: z.number(),
  step: z.number(),
});

const tagSchema = z.object({ key: z.string(), value: z.string() });

export const datasetSchema = z.object({
  name: z.string(),
  digest: z.string(),
  source_type: z.string(),
  source: z.string(),
  schema: z.string().optional(),
  profile: z.string().optional(),
});

export const datasetInputSchema = z.object({ tags: z.array(tagSchema).optional(), dataset: datasetSchema });

/** Empty lists are omitted, as protobuf JSON omits empty repeated fields; `data` and `inputs` are always there. */
export const runSchema = z.object({
  info: runInfoSchema,
  data: z.object({
    metrics: z.array(metricSchema).optional(),
    params: z.array(tagSchema).optional(),
    tags: z.array(tagSchema).optional(),
  }),
  inputs: z.object({ dataset_inputs: z.array(datasetInputSchema).optional() }),
});

export const runResponseSchema = z.object({ run: runSchema });
export const updateRunResponseSchema = z.object({ run_info: runInfoSchema });

export type RunInfoMessage = z.infer<typeof runInfoSchema>;
export type MetricMessage = z.infer<typeof metricSchema>;
export type DatasetInputMessage = z.infer<typeof datasetInputSchema>;
export type RunMessage = z.infer<typeof runSchema>;
export type RunResponse = z.infer<typeof runResponseSchema>;
export type UpdateRunResponse = z.infer<typeof updateRunResponseSchema>;
