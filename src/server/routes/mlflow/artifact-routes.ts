import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listRunArtifacts, type RunArtifactEntry } from '../../../artifacts/list-run-artifacts.js';
import { parseArtifactPath } from '../../../domain/artifact-path.js';
import { invalidParameter } from '../../../domain/errors.js';
import type { AppDeps } from '../../app-deps.js';
import { parseArtifactQuery } from '../parse-artifact-query.js';

const PATHS = ['/api/2.0/mlflow/artifacts/list', '/ajax-api/2.0/mlflow/artifacts/list'] as const;

const text = z.string({ error: 'expected one string' });
const listQuery = z.object({
  run_id: text.optional(),
  run_uuid: text.optional(),
  path: text.optional(),
  page_token: text.optional(),
});

const toFileInfo = (entry: RunArtifactEntry) =>
  entry.isDir ? { path: entry.path, is_dir: true } : { path: entry.path, is_dir: false, file_size: entry.size };

async function list(deps: Pick<AppDeps, 'metadata'>, request: FastifyRequest) {
  const query = parseArtifactQuery(listQuery, request.query);
  const runId = query.run_id || query.run_uuid;
  if (!runId) throw invalidParameter('Missing value for required parameter run_id.');
  const listing = await listRunArtifacts(deps, {
    runId,
    path: parseArtifactPath(query.path ?? '', { directory: true }),
    ...(query.page_token ? { pageToken: query.page_token } : {}),
  });
  return {
    root_uri: listing.rootUri,
    ...(listing.files.length === 0 ? {} : { files: listing.files.map(toFileInfo) }),
    ...(listing.nextPageToken === undefined ? {} : { next_page_token: listing.nextPageToken }),
  };
}

/**
 * `GET /api/2.0/mlflow/artifacts/list?run_id=…&path=…&page_token=…` (MLflow's ListArtifacts), also under
 * /ajax-api: one page of a run's artifacts, paths relative to the run's artifact root.
 */
export function registerRunArtifactRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'metadata'>): void {
  for (const path of PATHS) app.get(path, (request) => list(deps, request));
}
