import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SlipwayError } from '../../../domain/errors.js';
import { openPinnedFile } from '../../../registry/open-pinned-file.js';
import { PINNED_ROOT } from '../../../registry/pinned-tree.js';
import type { AppDeps } from '../../app-deps.js';
import { ANY_CONTENT_TYPE } from '../../request-guards.js';
import { artifactMediaType, attachmentDisposition, DOWNLOAD_CSP } from '../artifact-response-headers.js';
import { MLFLOW_ARTIFACTS_PREFIXES } from '../mlflow-artifacts-routes.js';
import { rawWildcardPath } from '../raw-wildcard-path.js';

type Deps = Pick<AppDeps, 'objects'>;

async function download(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const raw = rawWildcardPath(request);
  const slash = raw.indexOf('/');
  const { entry, body } = await openPinnedFile(deps, slash === -1 ? raw : raw.slice(0, slash), raw.slice(slash + 1));
  const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
  return reply
    .header('content-type', artifactMediaType(name))
    .header('content-disposition', attachmentDisposition(name))
    .header('content-length', entry.size)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', DOWNLOAD_CSP)
    .send(body);
}

function readOnly(request: FastifyRequest, reply: FastifyReply): never {
  if (!request.raw.complete) reply.header('connection', 'close');
  throw new SlipwayError(
    'PERMISSION_DENIED',
    `${PINNED_ROOT}/ holds the pinned files of model versions; it is read-only.`,
    {
      hint: 'Log artifacts under a run; register them with model-versions/create.',
    },
  );
}

/**
 * The artifact proxy's view of pinned model trees (`<prefix>/artifacts/_slipway/trees/<hex>/<path>`): downloads
 * are served from the pinned tree object, each file verified against its digest, whatever the artifact table says;
 * uploads and deletes there are refused. Listing goes through the proxy's own listing (the rows are written when a
 * version is created), so MLflow clients download a version like any artifact folder.
 */
export function registerPinnedArtifactRoutes(app: FastifyInstance, deps: Deps): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const config = { contentTypes: [ANY_CONTENT_TYPE] };
    for (const prefix of MLFLOW_ARTIFACTS_PREFIXES) {
      scope.get(`${prefix}/artifacts/${PINNED_ROOT}/*`, (request, reply) => download(deps, request, reply));
      scope.put(`${prefix}/artifacts/_slipway/*`, { config }, readOnly);
      scope.delete(`${prefix}/artifacts/_slipway/*`, { config }, readOnly);
    }
  });
}
