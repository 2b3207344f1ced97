import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { deleteArtifact } from '../../artifacts/delete-artifact.js';
import { getArtifact } from '../../artifacts/get-artifact.js';
import { type ArtifactChild, listAllArtifacts } from '../../artifacts/list-artifacts.js';
import { putArtifact } from '../../artifacts/put-artifact.js';
import { type ArtifactPath, artifactBaseName, parseArtifactPath } from '../../domain/artifact-path.js';
import type { AppDeps } from '../app-deps.js';
import { ANY_CONTENT_TYPE } from '../request-guards.js';
import { artifactMediaType, attachmentDisposition, DOWNLOAD_CSP } from './artifact-response-headers.js';
import { parseArtifactQuery } from './parse-artifact-query.js';
import { rawWildcardPath } from './raw-wildcard-path.js';

/** MLflow's artifact proxy is served under both API prefixes, like every MLflow route. */
export const MLFLOW_ARTIFACTS_PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;

type Deps = Pick<AppDeps, 'config' | 'metadata' | 'objects'>;

const listQuery = z.object({ path: z.string({ error: 'expected one string' }).optional() });

/** The artifact path a `…/artifacts/<path>` request names, from the raw URL. */
const pathOf = (request: FastifyRequest): ArtifactPath => parseArtifactPath(rawWildcardPath(request));

/** MLflow's FileInfo; `path` is the entry's name within the listed folder, as MLflow's proxy answers. */
const toFileInfo = (entry: ArtifactChild) =>
  entry.isDir ? { path: entry.name, is_dir: true } : { path: entry.name, is_dir: false, file_size: entry.size };

function declaredLength(request: FastifyRequest): { declaredBytes?: number } {
  const length = Number(request.headers['content-length']);
  return Number.isSafeInteger(length) ? { declaredBytes: length } : {};
}

async function upload(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  try {
    const path = pathOf(request);
    const maxBytes = deps.config.server.artifactMaxBytes;
    await putArtifact(deps, { path, body: request.body as Readable, maxBytes, ...declaredLength(request) });
    return {};
  } catch (error) {
    // A refused upload must not make the server read (and discard) the rest of a large body.
    if (!request.raw.complete) reply.header('connection', 'close');
    throw error;
  }
}

async function download(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const { file, body } = await getArtifact(deps, pathOf(request));
  const name = artifactBaseName(file.path);
  return reply
    .header('content-type', artifactMediaType(name))
    .header('content-disposition', attachmentDisposition(name))
    .header('content-length', file.size)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', DOWNLOAD_CSP)
    .send(body);
}

async function list(deps: Deps, request: FastifyRequest) {
  const query = parseArtifactQuery(listQuery, request.query);
  const files = await listAllArtifacts(deps, parseArtifactPath(query.path ?? '', { directory: true }));
  // Like MLflow (proto3 JSON), an empty listing has no `files` field.
  return files.length === 0 ? {} : { files: files.map(toFileInfo) };
}

/**
 * MLflow's artifact proxy (mlflow_artifacts.proto): upload, download, list and delete files under the artifacts
 * root. Uploads stream into the object store whatever their Content-Type (the Python client sends the type it
 * guesses from the file name): this plugin's own body parser hands the raw request stream to the use case, and
 * the byte limit applies while it streams.
 */
export function registerMlflowArtifactsRoutes(app: FastifyInstance, deps: Deps): void {
  const maxBytes = deps.config.server.artifactMaxBytes;
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    for (const prefix of MLFLOW_ARTIFACTS_PREFIXES) {
      const file = `${prefix}/artifacts/*`;
      const config = { contentTypes: [ANY_CONTENT_TYPE] };
      scope.put(file, { config, bodyLimit: maxBytes }, (request, reply) => upload(deps, request, reply));
      scope.get(file, (request, reply) => download(deps, request, reply));
      scope.delete(file, { config }, async (request) => {
        await deleteArtifact(deps, pathOf(request));
        return {};
      });
      scope.get(`${prefix}/artifacts`, (request) => list(deps, request));
    }
  });
}
