import { z } from 'zod';

/**
 * The native object API of `slipway server` (docs/remotes.md): content-addressed bytes by digest.
 *   HEAD   /api/v1/objects/{digest}   200 + Content-Length, or 404
 *   GET    /api/v1/objects/{digest}   the verified bytes (application/octet-stream)
 *   PUT    /api/v1/objects/{digest}   upload (application/octet-stream); the server verifies the digest
 *   DELETE /api/v1/objects/{digest}   only when the server allows it (server.objectDelete)
 *   GET    /api/v1/objects            every digest held, one per line (text/plain)
 *   POST   /api/v1/objects/missing    {digests} → {missing}, at most MAX_MISSING_DIGESTS per request
 *   POST   /api/v1/objects/batch/read   {digests, max_object_bytes?} → an object pack (application/vnd.slipway.object-pack)
 *   POST   /api/v1/objects/batch/write  an object pack → {results}; the server verifies every object's digest
 * The batch endpoints move many small objects per request (at most MAX_BATCH_OBJECTS, each at most
 * MAX_BATCH_OBJECT_BYTES, at most MAX_BATCH_BYTES per body); larger objects go through GET and PUT.
 */
export const OBJECTS_API_PATH = '/api/v1/objects';

/** Digests per `POST /api/v1/objects/missing` request. */
export const MAX_MISSING_DIGESTS = 10_000;

export const missingObjectsRequestSchema = z.strictObject({
  digests: z.array(z.string({ error: 'must be a list of digest strings' }), {
    error: 'must be a list of digests',
  }),
});

export type MissingObjectsRequest = z.infer<typeof missingObjectsRequestSchema>;

export const missingObjectsResponseSchema = z.object({ missing: z.array(z.string()) });

export type MissingObjectsResponse = z.infer<typeof missingObjectsResponseSchema>;

/** The answer to a PUT: what the server now holds. */
export const putObjectResponseSchema = z.object({ digest: z.string(), size: z.number() });

export type PutObjectResponse = z.infer<typeof putObjectResponseSchema>;

/** Objects per batch request. */
export const MAX_BATCH_OBJECTS = 1000;

/** Bytes of one object in a batch (and the default and cap of max_object_bytes). */
export const MAX_BATCH_OBJECT_BYTES = 1024 * 1024;

/** Bytes of one batch body, frame headers included. */
export const MAX_BATCH_BYTES = 32 * 1024 * 1024;

export const batchReadRequestSchema = z.strictObject({
  digests: z.array(z.string({ error: 'must be a list of digest strings' }), { error: 'must be a list of digests' }),
  max_object_bytes: z.number().int().min(0).optional(),
});

export type BatchReadRequest = z.infer<typeof batchReadRequestSchema>;

/** Per object of a batch write, in upload order: stored (or already held), or why not (nothing stored for it). */
export const batchWriteResultSchema = z.union([
  z.strictObject({ digest: z.string(), size: z.number() }),
  z.strictObject({ digest: z.string(), error_code: z.string(), message: z.string() }),
]);

export const batchWriteResponseSchema = z.object({ results: z.array(batchWriteResultSchema) });

export type BatchWriteResponse = z.infer<typeof batchWriteResponseSchema>;
