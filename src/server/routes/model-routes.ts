import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AliasAtResponse, ModelHistoryResponse, ResolvedModelResponse } from '../../contract/mlflow/registry.js';
import { parseDigest } from '../../domain/digest.js';
import { getAliasAt } from '../../registry/get-alias-at.js';
import { listModelHistory, parsePointInTime } from '../../registry/list-model-history.js';
import { pinnedDownloadUri } from '../../registry/pinned-tree.js';
import { resolveModel } from '../../registry/resolve-model.js';
import type { AppDeps } from '../app-deps.js';
import { parseQuery } from './mlflow/parse-request.js';

type Deps = Pick<AppDeps, 'metadata' | 'objects'>;

const params = z.object({ name: z.string(), alias: z.string().optional() });
const historyQuery = z.object({ max_results: z.coerce.number().int().optional(), page_token: z.string().optional() });
const atQuery = z.object({ at: z.string().optional() });
const resolveQuery = z.object({ uri: z.string() });

async function resolve(deps: Deps, uri: string): Promise<ResolvedModelResponse> {
  const model = await resolveModel(deps, uri);
  return { ...model, files: [...model.files], artifact_uri: pinnedDownloadUri(parseDigest(model.digest)) };
}

/**
 * Slipway's native registry API: a model's audit trail (`/api/v1/models/{name}/history`, newest first, paged),
 * the point-in-time question (`/api/v1/models/{name}/aliases/{alias}?at=<ISO time or ms>`: which version did the
 * alias point to then), and URI resolution with the pinned files (`/api/v1/models/resolve?uri=models:/…`).
 */
export function registerModelRoutes(app: FastifyInstance, deps: Deps): void {
  app.get('/api/v1/models/resolve', (request) => resolve(deps, parseQuery(resolveQuery, request.query).uri));
  app.get('/api/v1/models/:name/history', async (request): Promise<ModelHistoryResponse> => {
    const { name } = parseQuery(params, request.params);
    const query = parseQuery(historyQuery, request.query);
    const page = await listModelHistory(deps, { name, maxResults: query.max_results, pageToken: query.page_token });
    return {
      events: [...page.items],
      ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }),
    };
  });
  app.get('/api/v1/models/:name/aliases/:alias', async (request): Promise<AliasAtResponse> => {
    const { name, alias } = parseQuery(params, request.params);
    const { at } = parseQuery(atQuery, request.query);
    const time = at === undefined ? Date.now() : parsePointInTime(at);
    return getAliasAt(deps, { name, alias: alias ?? '', at: time });
  });
}
