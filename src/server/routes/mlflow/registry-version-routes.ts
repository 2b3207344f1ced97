import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { EmptyResponse } from '../../../contract/mlflow/common.js';
import {
  createModelVersionRequestSchema,
  deleteModelVersionTagRequestSchema,
  type ModelVersionResponse,
  type ModelVersionsResponse,
  searchModelVersionsRequestSchema,
  setModelVersionTagRequestSchema,
  transitionStageRequestSchema,
  updateModelVersionRequestSchema,
  versionRequestSchema,
} from '../../../contract/mlflow/registry.js';
import { createModelVersion } from '../../../registry/create-model-version.js';
import { deleteModelVersion } from '../../../registry/delete-model-version.js';
import { deleteModelVersionTag } from '../../../registry/delete-model-version-tag.js';
import { getDownloadUri } from '../../../registry/get-download-uri.js';
import { getModelVersion } from '../../../registry/get-model-version.js';
import { searchModelVersions } from '../../../registry/search-model-versions.js';
import { setModelVersionTag } from '../../../registry/set-model-version-tag.js';
import { transitionStage } from '../../../registry/transition-stage.js';
import type { ModelVersion } from '../../../registry/types.js';
import { updateModelVersion } from '../../../registry/update-model-version.js';
import type { AppDeps } from '../../app-deps.js';
import type { MlflowRoutes } from './mount-mlflow.js';
import { parseBody, parseQuery } from './parse-request.js';
import { renderModelVersion } from './registry-render.js';
import { parseBodyOrQuery, registryDepsOf } from './registry-request.js';

type Deps = Pick<AppDeps, 'metadata' | 'objects'>;

const one = async (promise: Promise<ModelVersion>): Promise<ModelVersionResponse> => ({
  model_version: renderModelVersion(await promise),
});

async function search(
  deps: Deps,
  query: z.infer<typeof searchModelVersionsRequestSchema>,
): Promise<ModelVersionsResponse> {
  const page = await searchModelVersions(deps, {
    filter: query.filter,
    maxResults: query.max_results,
    orderBy: query.order_by,
    pageToken: query.page_token,
  });
  const versions = page.items.map(renderModelVersion);
  return {
    ...(versions.length > 0 ? { model_versions: versions } : {}),
    ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }),
  };
}

/** model-versions/*: create, get, update, delete, search, tags, transition-stage and get-download-uri. */
export const modelVersionRoutes =
  (deps: Deps): MlflowRoutes =>
  (scope: FastifyInstance) => {
    const as = (request: FastifyRequest) => registryDepsOf(deps, request);
    scope.post('/model-versions/create', (request) => {
      const body = parseBody(createModelVersionRequestSchema, request.body);
      const input = {
        name: body.name,
        source: body.source,
        runId: body.run_id,
        runLink: body.run_link,
        description: body.description,
        tags: body.tags,
      };
      return one(createModelVersion(as(request), input));
    });
    scope.get('/model-versions/get', (request) =>
      one(getModelVersion(deps, parseQuery(versionRequestSchema, request.query))),
    );
    scope.patch('/model-versions/update', (request) =>
      one(updateModelVersion(as(request), parseBody(updateModelVersionRequestSchema, request.body))),
    );
    scope.delete('/model-versions/delete', async (request): Promise<EmptyResponse> => {
      await deleteModelVersion(as(request), parseBodyOrQuery(versionRequestSchema, request));
      return {};
    });
    scope.get('/model-versions/search', (request) =>
      search(deps, parseQuery(searchModelVersionsRequestSchema, request.query, ['order_by'])),
    );
    scope.post('/model-versions/search', (request) =>
      search(deps, parseBody(searchModelVersionsRequestSchema, request.body)),
    );
    scope.post('/model-versions/set-tag', async (request): Promise<EmptyResponse> => {
      await setModelVersionTag(as(request), parseBody(setModelVersionTagRequestSchema, request.body));
      return {};
    });
    scope.delete('/model-versions/delete-tag', async (request): Promise<EmptyResponse> => {
      await deleteModelVersionTag(as(request), parseBodyOrQuery(deleteModelVersionTagRequestSchema, request));
      return {};
    });
    scope.post('/model-versions/transition-stage', (request) => {
      const body = parseBody(transitionStageRequestSchema, request.body);
      const input = { ...body, archiveExistingVersions: body.archive_existing_versions };
      return one(transitionStage(as(request), input));
    });
    scope.get('/model-versions/get-download-uri', async (request) => ({
      artifact_uri: await getDownloadUri(deps, parseQuery(versionRequestSchema, request.query)),
    }));
  };
