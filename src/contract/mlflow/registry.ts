import { z } from 'zod';
import { int64Field, keyValueSchema, stringField } from './common.js';

/** Model registry messages of mlflow/protos/model_registry.proto, snake_case as on the wire. */

/** Versions are strings on the wire; a JSON integer is accepted and read as its decimal string. */
export const versionField = z.union([z.string(), z.number().int()], { error: 'expected a string' }).transform(String);

const booleanField = z
  .union([z.boolean(), z.enum(['true', 'false', 'True', 'False'])], { error: 'expected a boolean' })
  .transform((value) => value === true || value === 'true' || value === 'True');

const stringList = z.array(stringField, { error: 'expected a list of strings' });

export const createRegisteredModelRequestSchema = z.object({
  name: stringField,
  tags: z.array(keyValueSchema).optional(),
  description: stringField.optional(),
});
export const nameRequestSchema = z.object({ name: stringField });
export const renameRegisteredModelRequestSchema = z.object({ name: stringField, new_name: stringField.optional() });
export const updateRegisteredModelRequestSchema = z.object({ name: stringField, description: stringField.optional() });
export const searchRegisteredModelsRequestSchema = z.object({
  filter: stringField.optional(),
  max_results: int64Field.optional(),
  order_by: stringList.optional(),
  page_token: stringField.optional(),
});
export const getLatestVersionsRequestSchema = z.object({ name: stringField, stages: stringList.optional() });
export const setRegisteredModelTagRequestSchema = z.object({ name: stringField, key: stringField, value: stringField });
export const deleteRegisteredModelTagRequestSchema = z.object({ name: stringField, key: stringField });
export const setAliasRequestSchema = z.object({ name: stringField, alias: stringField, version: versionField });
export const aliasRequestSchema = z.object({ name: stringField, alias: stringField });

export const createModelVersionRequestSchema = z.object({
  name: stringField,
  source: stringField,
  run_id: stringField.optional(),
  tags: z.array(keyValueSchema).optional(),
  run_link: stringField.optional(),
  description: stringField.optional(),
});
export const versionRequestSchema = z.object({ name: stringField, version: versionField });
export const updateModelVersionRequestSchema = versionRequestSchema.extend({ description: stringField.optional() });
export const transitionStageRequestSchema = versionRequestSchema.extend({
  stage: stringField,
  archive_existing_versions: booleanField.optional(),
});
export const searchModelVersionsRequestSchema = searchRegisteredModelsRequestSchema;
export const setModelVersionTagRequestSchema = versionRequestSchema.extend({ key: stringField, value: stringField });
export const deleteModelVersionTagRequestSchema = versionRequestSchema.extend({ key: stringField });

const tagsSchema = z.array(z.object({ key: z.string(), value: z.string() })).optional();

export const modelVersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  creation_timestamp: z.number().optional(),
  last_updated_timestamp: z.number().optional(),
  user_id: z.string().optional(),
  current_stage: z.string().optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  status: z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']).optional(),
  status_message: z.string().optional(),
  /** Includes `slipway.semver`, the version's semantic version. */
  tags: tagsSchema,
  run_link: z.string().optional(),
  aliases: z.array(z.string()).optional(),
});

export const registeredModelSchema = z.object({
  name: z.string(),
  creation_timestamp: z.number().optional(),
  last_updated_timestamp: z.number().optional(),
  user_id: z.string().optional(),
  description: z.string().optional(),
  latest_versions: z.array(modelVersionSchema).optional(),
  tags: tagsSchema,
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })).optional(),
});

export type ModelVersionMessage = z.infer<typeof modelVersionSchema>;
export type RegisteredModelMessage = z.infer<typeof registeredModelSchema>;

export const registeredModelResponseSchema = z.object({ registered_model: registeredModelSchema });
export const modelVersionResponseSchema = z.object({ model_version: modelVersionSchema });
export const searchRegisteredModelsResponseSchema = z.object({
  registered_models: z.array(registeredModelSchema).optional(),
  next_page_token: z.string().optional(),
});
export const modelVersionsResponseSchema = z.object({
  model_versions: z.array(modelVersionSchema).optional(),
  next_page_token: z.string().optional(),
});
export const downloadUriResponseSchema = z.object({ artifact_uri: z.string() });

export type RegisteredModelResponse = z.infer<typeof registeredModelResponseSchema>;
export type ModelVersionResponse = z.infer<typeof modelVersionResponseSchema>;
export type SearchRegisteredModelsResponse = z.infer<typeof searchRegisteredModelsResponseSchema>;
export type ModelVersionsResponse = z.infer<typeof modelVersionsResponseSchema>;

/** Native API (`/api/v1/models/…`): one audit event. */
export const auditEventSchema = z.object({
  id: z.number(),
  time: z.number(),
  actor: z.string(),
  kind: z.string(),
  subject: z.string(),
  payload: z.record(z.string(), z.unknown()),
});

export const modelHistoryResponseSchema = z.object({
  events: z.array(auditEventSchema),
  next_page_token: z.string().optional(),
});

export const aliasAtResponseSchema = z.object({
  name: z.string(),
  alias: z.string(),
  at: z.number(),
  /** null when the alias pointed nowhere at that time. */
  version: z.string().nullable(),
  event: auditEventSchema.optional(),
});

/** Native API: what a model URI resolves to, with the pinned tree's files. */
export const resolvedModelResponseSchema = z.object({
  name: z.string(),
  version: z.string(),
  semver: z.string(),
  digest: z.string(),
  artifact_uri: z.string(),
  files: z.array(z.object({ path: z.string(), digest: z.string(), size: z.number() })),
});

export type ModelHistoryResponse = z.infer<typeof modelHistoryResponseSchema>;
export type AliasAtResponse = z.infer<typeof aliasAtResponseSchema>;
export type ResolvedModelResponse = z.infer<typeof resolvedModelResponseSchema>;
