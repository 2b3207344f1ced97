import type { Readable } from 'node:stream';

import { emptyResponseSchema } from '../contract/mlflow/common.js';
import {
  aliasAtResponseSchema,
  downloadUriResponseSchema,
  type ModelVersionMessage,
  modelHistoryResponseSchema,
  modelVersionResponseSchema,
  modelVersionsResponseSchema,
  type RegisteredModelMessage,
  registeredModelResponseSchema,
  resolvedModelResponseSchema,
  searchRegisteredModelsResponseSchema,
} from '../contract/mlflow/registry.js';
import { parseArtifactPath } from '../domain/artifact-path.js';
import { corruptObject } from '../domain/errors.js';
import { hashThrough } from '../lib/hash-pass-through.js';
import type { RegistryClient, ResolvedModel } from '../registry/registry-client.js';
import { DIGEST_TAG, type ModelVersion, type Page, type RegisteredModel, SEMVER_TAG } from '../registry/types.js';
import { createRegistryHttp, type RegistryHttp } from './http-registry-client-transport.js';
import type { MlflowHttpOptions } from './mlflow-http.js';
import { optional } from './mlflow-wire.js';

const API = '/api/2.0/mlflow';
const empty = emptyResponseSchema.loose();

/** MLflow JSON → the registry's model version; the semver and digest come from their read-only tags. */
export function decodeModelVersion(message: ModelVersionMessage): ModelVersion {
  const tags = message.tags ?? [];
  const tag = (key: string) => tags.find((t) => t.key === key)?.value ?? '';
  return {
    name: message.name,
    version: message.version,
    creationTimestamp: message.creation_timestamp ?? 0,
    lastUpdatedTimestamp: message.last_updated_timestamp ?? 0,
    userId: message.user_id ?? '',
    currentStage: message.current_stage ?? 'None',
    description: message.description ?? '',
    source: message.source ?? '',
    runId: message.run_id ?? '',
    runLink: message.run_link ?? '',
    status: 'READY',
    tags: tags.filter((t) => t.key !== SEMVER_TAG && t.key !== DIGEST_TAG),
    aliases: message.aliases ?? [],
    semver: tag(SEMVER_TAG),
    digest: tag(DIGEST_TAG),
  };
}

export const decodeRegisteredModel = (message: RegisteredModelMessage): RegisteredModel => ({
  name: message.name,
  creationTimestamp: message.creation_timestamp ?? 0,
  lastUpdatedTimestamp: message.last_updated_timestamp ?? 0,
  description: message.description ?? '',
  latestVersions: (message.latest_versions ?? []).map(decodeModelVersion),
  tags: message.tags ?? [],
  aliases: message.aliases ?? [],
});

const page = <T>(items: T[], token: string | undefined): Page<T> => ({ items, ...optional('nextPageToken', token) });

const searchBody = (input: {
  filter?: string;
  maxResults?: number;
  orderBy?: readonly string[];
  pageToken?: string;
}) => ({
  ...optional('filter', input.filter),
  ...optional('max_results', input.maxResults),
  ...optional('order_by', input.orderBy),
  ...optional('page_token', input.pageToken),
});

/** Streams a pinned file and fails with CORRUPT_OBJECT unless its bytes hash to the digest the tree lists. */
function verified(body: Readable, path: string, digest: string): Readable {
  return hashThrough(body, {
    check: (result) =>
      `sha256:${result.hex}` === digest ? undefined : corruptObject(`The downloaded ${path} does not match ${digest}.`),
  });
}

/** The registry port over a Slipway server: MLflow's registry API, plus the native API for history and files. */
export function createHttpRegistryClient(options: MlflowHttpOptions): RegistryClient {
  return registryOver(createRegistryHttp(options));
}

function registryOver(http: RegistryHttp): RegistryClient {
  const model = async (method: 'GET' | 'POST', path: string, body: unknown) =>
    decodeRegisteredModel(
      (await http.json(method, `${API}${path}`, body, registeredModelResponseSchema)).registered_model,
    );
  const version = async (method: 'GET' | 'POST', path: string, body: unknown) =>
    decodeModelVersion((await http.json(method, `${API}${path}`, body, modelVersionResponseSchema)).model_version);
  const native = (name: string) => `/api/v1/models/${encodeURIComponent(name)}`;
  return {
    uri: http.baseUrl,
    createRegisteredModel: (input) =>
      model('POST', '/registered-models/create', {
        name: input.name,
        tags: input.tags ?? [],
        ...optional('description', input.description),
      }),
    getRegisteredModel: (name) => model('GET', '/registered-models/get', { name }),
    searchRegisteredModels: async (input) => {
      const answer = await http.json(
        'POST',
        `${API}/registered-models/search`,
        searchBody(input),
        searchRegisteredModelsResponseSchema,
      );
      return page((answer.registered_models ?? []).map(decodeRegisteredModel), answer.next_page_token);
    },
    deleteRegisteredModel: async (name) => {
      await http.json('DELETE', `${API}/registered-models/delete`, { name }, empty);
    },
    createModelVersion: (input) => {
      const semver = input.semver === undefined ? [] : [{ key: SEMVER_TAG, value: input.semver }];
      return version('POST', '/model-versions/create', {
        name: input.name,
        source: input.source,
        tags: [...(input.tags ?? []), ...semver],
        ...optional('run_id', input.runId),
        ...optional('run_link', input.runLink),
        ...optional('description', input.description),
      });
    },
    getModelVersion: (name, v) => version('GET', '/model-versions/get', { name, version: v }),
    searchModelVersions: async (input) => {
      const answer = await http.json(
        'POST',
        `${API}/model-versions/search`,
        searchBody(input),
        modelVersionsResponseSchema,
      );
      return page((answer.model_versions ?? []).map(decodeModelVersion), answer.next_page_token);
    },
    deleteModelVersion: async (name, v) => {
      await http.json('DELETE', `${API}/model-versions/delete`, { name, version: v }, empty);
    },
    setAlias: async (name, alias, v) => {
      await http.json('POST', `${API}/registered-models/alias`, { name, alias, version: v }, empty);
    },
    deleteAlias: async (name, alias) => {
      await http.json('DELETE', `${API}/registered-models/alias`, { name, alias }, empty);
    },
    getVersionByAlias: (name, alias) => version('GET', '/registered-models/alias', { name, alias }),
    listHistory: async (input) => {
      const query = {
        ...optional('max_results', input.maxResults?.toString()),
        ...optional('page_token', input.pageToken),
      };
      const answer = await http.json('GET', `${native(input.name)}/history`, query, modelHistoryResponseSchema);
      return page(answer.events, answer.next_page_token);
    },
    getAliasAt: (name, alias, at) =>
      http.json(
        'GET',
        `${native(name)}/aliases/${encodeURIComponent(alias)}`,
        { at: String(at) },
        aliasAtResponseSchema,
      ),
    resolveModel: (uri) => http.json('GET', '/api/v1/models/resolve', { uri }, resolvedModelResponseSchema),
    openModelFile: async (resolved: ResolvedModel, path: string) => {
      const entry = resolved.files.find((file) => file.path === parseArtifactPath(path));
      if (entry === undefined) throw corruptObject(`${path} is not a file of ${resolved.name} ${resolved.version}.`);
      const uri = await http.json(
        'GET',
        `${API}/model-versions/get-download-uri`,
        { name: resolved.name, version: resolved.version },
        downloadUriResponseSchema,
      );
      const folder = uri.artifact_uri.replace(/^mlflow-artifacts:\//, '');
      const url = `/api/2.0/mlflow-artifacts/artifacts/${[...folder.split('/'), ...entry.path.split('/')].map(encodeURIComponent).join('/')}`;
      return verified(await http.download(url), entry.path, entry.digest);
    },
    close: async () => {},
  };
}
