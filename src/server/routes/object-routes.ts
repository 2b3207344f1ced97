import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { missingObjectsRequestSchema, OBJECTS_API_PATH } from '../../contract/objects-api.js';
import { deleteObject } from '../../data/remote/object-api/delete-object.js';
import { findMissingObjects } from '../../data/remote/object-api/find-missing-objects.js';
import { listObjects } from '../../data/remote/object-api/list-objects.js';
import type { ObjectApiDeps } from '../../data/remote/object-api/object-api-deps.js';
import { readObject } from '../../data/remote/object-api/read-object.js';
import { receiveObject } from '../../data/remote/object-api/receive-object.js';
import { statObject } from '../../data/remote/object-api/stat-object.js';
import { type Digest, parseDigest } from '../../domain/digest.js';
import { invalidParameter } from '../../domain/errors.js';
import type { AppDeps } from '../app-deps.js';

const OCTET_STREAM = 'application/octet-stream';
const OBJECT_PATH = `${OBJECTS_API_PATH}/:digest`;
/** Objects never change: a client may cache them for good. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

const digestParam = (request: FastifyRequest): Digest =>
  parseDigest((request.params as { digest?: string }).digest ?? '', 'digest');

const declaredLength = (request: FastifyRequest): number | undefined => {
  const header = request.headers['content-length'];
  return header === undefined || !/^\d+$/.test(header) ? undefined : Number(header);
};

const objectHeaders = (reply: FastifyReply, digest: Digest, size: number): FastifyReply =>
  reply
    .header('content-length', String(size))
    .header('etag', `"${digest}"`)
    .header('cache-control', IMMUTABLE)
    .type(OCTET_STREAM);

async function* digestLines(digests: AsyncIterable<Digest>): AsyncIterable<string> {
  for await (const digest of digests) yield `${digest}\n`;
}

function parseMissingRequest(body: unknown): readonly string[] {
  const parsed = missingObjectsRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data.digests;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
  throw invalidParameter(`Invalid request: ${where} ${issue?.message ?? 'is malformed'}.`, {
    hint: 'Send {"digests": ["sha256:<64 hex>", …]} with at most 10,000 digests.',
  });
}

function registerObjectReads(scope: FastifyInstance, deps: ObjectApiDeps): void {
  scope.head(OBJECT_PATH, async (request, reply) => {
    const info = await statObject(deps, digestParam(request));
    return objectHeaders(reply, info.digest, info.size).send();
  });
  scope.get(OBJECT_PATH, async (request, reply) => {
    const { info, body } = await readObject(deps, digestParam(request));
    return objectHeaders(reply, info.digest, info.size).send(body);
  });
  scope.get(OBJECTS_API_PATH, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send(Readable.from(digestLines(listObjects(deps)))),
  );
  scope.post(`${OBJECTS_API_PATH}/missing`, async (request) => ({
    missing: await findMissingObjects(deps, parseMissingRequest(request.body)),
  }));
}

function registerObjectWrites(scope: FastifyInstance, deps: Pick<AppDeps, 'objects' | 'config'>): void {
  const { objectMaxBytes, objectDelete } = deps.config.server;
  scope.put(OBJECT_PATH, { config: { contentTypes: [OCTET_STREAM] } }, async (request, reply) => {
    try {
      const body = request.body instanceof Readable ? request.body : request.raw;
      const declaredBytes = declaredLength(request);
      return await receiveObject(deps, { digest: digestParam(request), body, maxBytes: objectMaxBytes, declaredBytes });
    } catch (error) {
      // A refused upload must not make the server read (and discard) the rest of a large body.
      if (!request.raw.complete) reply.header('connection', 'close');
      throw error;
    }
  });
  scope.delete(OBJECT_PATH, async (request, reply) => {
    await deleteObject(deps, { digest: digestParam(request), allowed: objectDelete });
    return reply.code(204).send();
  });
}

/**
 * The native object API (contract/objects-api.ts; docs/remotes.md): what `slipway push`/`pull` talk to when a
 * remote is a Slipway server. Uploads stream into the store and are verified against the digest in the URL;
 * the size limit is server.objectMaxBytes. Behind the same guards (Host allowlist, auth) as every route.
 */
export function registerObjectRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'objects' | 'config'>): void {
  app.register(async (scope) => {
    scope.removeContentTypeParser(OCTET_STREAM);
    scope.addContentTypeParser(OCTET_STREAM, (_request, payload, done) => done(null, payload));
    registerObjectReads(scope, deps);
    registerObjectWrites(scope, deps);
  });
}
