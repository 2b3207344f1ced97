import { z } from 'zod';
import { experimentIdField, keyValueSchema, stringField } from './common.js';

/** Experiment messages of mlflow/protos/service.proto, snake_case as on the wire. */

export const createExperimentRequestSchema = z.object({
  name: stringField,
  artifact_location: stringField.optional(),
  tags: z.array(keyValueSchema).optional(),
});

export const getExperimentRequestSchema = z.object({ experiment_id: experimentIdField });

export const getExperimentByNameRequestSchema = z.object({ experiment_name: stringField });

export const updateExperimentRequestSchema = z.object({
  experiment_id: experimentIdField,
  new_name: stringField.optional(),
});

/** DeleteExperiment and RestoreExperiment. */
export const experimentIdRequestSchema = z.object({ experiment_id: experimentIdField });

export const setExperimentTagRequestSchema = z.object({
  experiment_id: experimentIdField,
  key: stringField,
  value: stringField,
});

export const experimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string(),
  lifecycle_stage: z.enum(['active', 'deleted']),
  creation_time: z.number().optional(),
  last_update_time: z.number().optional(),
  /** Omitted when empty, as protobuf JSON omits empty repeated fields. */
  tags: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
});

export type ExperimentMessage = z.infer<typeof experimentSchema>;

export const createExperimentResponseSchema = z.object({ experiment_id: z.string() });
/** GetExperiment and GetExperimentByName. */
export const experimentResponseSchema = z.object({ experiment: experimentSchema });

export type CreateExperimentRequest = z.infer<typeof createExperimentRequestSchema>;
export type CreateExperimentResponse = z.infer<typeof createExperimentResponseSchema>;
export type ExperimentResponse = z.infer<typeof experimentResponseSchema>;
