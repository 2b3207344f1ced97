import type { ModelVersionMessage, RegisteredModelMessage } from '../../../contract/mlflow/registry.js';
import { DIGEST_TAG, type ModelVersion, type RegisteredModel, SEMVER_TAG } from '../../../registry/types.js';

/**
 * Registry domain → MLflow JSON, as protobuf's MessageToJson writes it: empty strings and lists left out. Every
 * version carries its semantic version and pinned digest as the read-only `slipway.semver` and
 * `slipway.digest` tags.
 */

const nonEmpty = <K extends string>(name: K, value: string): { [P in K]?: string } =>
  (value === '' ? {} : { [name]: value }) as { [P in K]?: string };

export const renderModelVersion = (version: ModelVersion): ModelVersionMessage => ({
  name: version.name,
  version: version.version,
  creation_timestamp: version.creationTimestamp,
  last_updated_timestamp: version.lastUpdatedTimestamp,
  ...nonEmpty('user_id', version.userId),
  current_stage: version.currentStage,
  ...nonEmpty('description', version.description),
  source: version.source,
  ...nonEmpty('run_id', version.runId),
  status: version.status,
  tags: [
    ...version.tags.map(({ key, value }) => ({ key, value })),
    { key: SEMVER_TAG, value: version.semver },
    { key: DIGEST_TAG, value: version.digest },
  ],
  ...nonEmpty('run_link', version.runLink),
  ...(version.aliases.length > 0 ? { aliases: [...version.aliases] } : {}),
});

export const renderRegisteredModel = (model: RegisteredModel): RegisteredModelMessage => ({
  name: model.name,
  creation_timestamp: model.creationTimestamp,
  last_updated_timestamp: model.lastUpdatedTimestamp,
  ...nonEmpty('description', model.description),
  ...(model.latestVersions.length > 0 ? { latest_versions: model.latestVersions.map(renderModelVersion) } : {}),
  ...(model.tags.length > 0 ? { tags: model.tags.map(({ key, value }) => ({ key, value })) } : {}),
  ...(model.aliases.length > 0 ? { aliases: model.aliases.map(({ alias, version }) => ({ alias, version })) } : {}),
});
