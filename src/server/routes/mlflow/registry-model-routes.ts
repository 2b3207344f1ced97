import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmptyResponse } from '../../../contract/mlflow/common.js';
import {
  aliasRequestSchema,
  createRegisteredModelRequestSchema,
  deleteRegisteredModelTagRequestSchema,
  getLatestVersionsRequestSchema,
  type ModelVersionResponse,
  type ModelVersionsResponse,
  nameRequestSchema,
  type RegisteredModelResponse,
  renameRegisteredModelRequestSchema,
  type SearchRegisteredModelsResponse,
  searchRegisteredModelsRequestSchema,
  setAliasRequestSchema,
  setRegisteredModelTagRequestSchema,
  updateRegisteredModelRequestSchema,
} from '../../../contract/mlflow/registry.js';
import { createRegisteredModel } from '../../../registry/create-registered-model.js';
import { deleteAlias } from '../../../registry/delete-alias.js';
import { deleteRegisteredModel } from '../../../registry/delete-registered-model.js';
import { deleteRegisteredModelTag } from '../../../registry/delete-registered-model-tag.js';
import { getLatestVersions } from '../../../registry/get-latest-versions.js';
import { getRegisteredModel } from '../../../registry/get-registered-model.js';
import { getVersionByAlias } from '../../../registry/get-version-by-alias.js';
import { renameRegisteredModel } from '../../../registry/rename-registered-model.js';
import { searchRegisteredModels } from '../../../registry/search-registered-models.js';
import { setAlias } from '../../../registry/set-alias.js';
import { setRegisteredModelTag } from '../../../registry/set-registered-model-tag.js';
import { updateRegisteredModel } from '../../../registry/update-registered-model.js';
import type { AppDeps } from '../../app-deps.js';
import type { MlflowRoutes } from './mount-mlflow.js';
import { parseBody, parseQuery } from './parse-request.js';
import { renderModelVersion, renderRegisteredModel } from './registry-render.js';
import { parseBodyOrQuery, registryDepsOf } from './registry-request.js';

type Deps = Pick<AppDeps, 'metadata' | 'objects'>;

async function search(deps: Deps, query: ReturnType<typeof searchRegisteredModelsRequestSchema.parse>) {
  const page = await searchRegisteredModels(deps, {
    filter: query.filter,
    maxResults: query.max_results,
    orderBy: query.order_by,
    pageToken: query.page_token,
  });
  const models = page.items.map(renderRegisteredModel);
  return {
    ...(models.length > 0 ? { registered_models: models } : {}),
    ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }),
  } satisfies SearchRegisteredModelsResponse;
}

async function latest(
  deps: Deps,
  input: { name: string; stages?: string[] | undefined },
): Promise<ModelVersionsResponse> {
  const versions = (await getLatestVersions(deps, input)).map(renderModelVersion);
  return versions.length > 0 ? { model_versions: versions } : {};
}

/** registered-models/*: create, get, rename, update, delete, search, tags, latest versions and aliases. */
export const registeredModelRoutes =
  (deps: Deps): MlflowRoutes =>
  (scope: FastifyInstance) => {
    const as = (request: FastifyRequest) => registryDepsOf(deps, request);
    const model = async (promise: ReturnType<typeof getRegisteredModel>): Promise<RegisteredModelResponse> => ({
      registered_model: renderRegisteredModel(await promise),
    });
    scope.post('/registered-models/create', (request) => {
      const body = parseBody(createRegisteredModelRequestSchema, request.body);
      return model(createRegisteredModel(as(request), body));
    });
    scope.get('/registered-models/get', (request) =>
      model(getRegisteredModel(deps, parseQuery(nameRequestSchema, request.query))),
    );
    scope.post('/registered-models/rename', (request) => {
      const body = parseBody(renameRegisteredModelRequestSchema, request.body);
      return model(renameRegisteredModel(as(request), { name: body.name, newName: body.new_name }));
    });
    scope.patch('/registered-models/update', (request) =>
      model(updateRegisteredModel(as(request), parseBody(updateRegisteredModelRequestSchema, request.body))),
    );
    scope.delete('/registered-models/delete', async (request): Promise<EmptyResponse> => {
      await deleteRegisteredModel(as(request), parseBodyOrQuery(nameRequestSchema, request));
      return {};
    });
    scope.get('/registered-models/search', (request) =>
      search(deps, parseQuery(searchRegisteredModelsRequestSchema, request.query, ['order_by'])),
    );
    scope.post('/registered-models/search', (request) =>
      search(deps, parseBody(searchRegisteredModelsRequestSchema, request.body)),
    );
    scope.post('/registered-models/set-tag', async (request): Promise<EmptyResponse> => {
      await setRegisteredModelTag(as(request), parseBody(setRegisteredModelTagRequestSchema, request.body));
      return {};
    });
    scope.delete('/registered-models/delete-tag', async (request): Promise<EmptyResponse> => {
      await deleteRegisteredModelTag(as(request), parseBodyOrQuery(deleteRegisteredModelTagRequestSchema, request));
      return {};
    });
    scope.post('/registered-models/get-latest-versions', (request) =>
      latest(deps, parseBody(getLatestVersionsRequestSchema, request.body)),
    );
    scope.get('/registered-models/get-latest-versions', (request) =>
      latest(deps, parseQuery(getLatestVersionsRequestSchema, request.query, ['stages'])),
    );
    scope.post('/registered-models/alias', async (request): Promise<EmptyResponse> => {
      await setAlias(as(request), parseBody(setAliasRequestSchema, request.body));
      return {};
    });
    scope.delete('/registered-models/alias', async (request): Promise<EmptyResponse> => {
      await deleteAlias(as(request), parseBodyOrQuery(aliasRequestSchema, request));
      return {};
    });
    scope.get('/registered-models/alias', async (request): Promise<ModelVersionResponse> => {
      const query = parseQuery(aliasRequestSchema, request.query);
      return { model_version: renderModelVersion(await getVersionByAlias(deps, query)) };
    });
  };
