import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  batchReadRequestSchema,
  MAX_BATCH_OBJECT_BYTES,
  missingObjectsRequestSchema,
  OBJECTS_API_PATH,
} from '../../contract/objects-api.js';
import { deleteObject } from '../../data/remote/object-api/delete-object.js';
import { findMissingObjects } from '../../data/remote/object-api/find-missing-objects.js';
import { listObjects } from '../../data/remote/object-api/list-objects.js';
import type { ObjectApiDeps } from '../../data/remote/object-api/object-api-deps.js';
import { readObject } from '../../data/remote/object-api/read-object.js';
import { readObjectBatch } from '../../data/remote/object-api/read-object-batch.js';
import { receiveObject } from '../../data/remote/object-api/receive-object.js';
import { receiveObjectBatch } from '../../data/remote/object-api/receive-object-batch.js';
import { statObject } from '../../data/remote/object-api/stat-object.js';
import { type Digest, parseDigest } from '../../domain/digest.js';
import { invalidParameter } from '../../domain/errors.js';
import { OBJECT_PACK_TYPE } from '../../storage/objects/object-pack.js';
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

function parseBody<T>(schema: z.ZodType<T>, body: unknown, hint: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
  throw invalidParameter(`Invalid request: ${where} ${issue?.message ?? 'is malformed'}.`, { hint });
}

const DIGESTS_HINT = 'Send {"digests": ["sha256:<64 hex>", …]} with at most 10,000 digests.';
const BATCH_READ_HINT = 'Send {"digests": ["sha256:<64 hex>", …], "max_object_bytes": n} with at most 1,000 digests.';

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
    missing: await findMissingObjects(deps, parseBody(missingObjectsRequestSchema, request.body, DIGESTS_HINT).digests),
  }));
  scope.post(`${OBJECTS_API_PATH}/batch/read`, async (request, reply) => {
    const body = parseBody(batchReadRequestSchema, request.body, BATCH_READ_HINT);
    const frames = await readObjectBatch(deps, { digests: body.digests, maxObjectBytes: body.max_object_bytes });
    return reply.type(OBJECT_PACK_TYPE).send(Readable.from(frames, { objectMode: false }));
  });
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
  const maxObjectBytes = Math.min(objectMaxBytes, MAX_BATCH_OBJECT_BYTES);
  scope.post(
    `${OBJECTS_API_PATH}/batch/write`,
    { config: { contentTypes: [OBJECT_PACK_TYPE] } },
    async (request, reply) => {
      try {
        const body = request.body instanceof Readable ? request.body : request.raw;
        return await receiveObjectBatch(deps, { body, maxObjectBytes, declaredBytes: declaredLength(request) });
      } catch (error) {
        if (!request.raw.complete) reply.header('connection', 'close');
        throw error;
      }
    },
  );
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
    scope.addContentTypeParser(OBJECT_PACK_TYPE, (_request, payload, done) => done(null, payload));
    registerObjectReads(scope, deps);
    registerObjectWrites(scope, deps);
  });
}
