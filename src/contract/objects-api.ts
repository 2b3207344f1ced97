import { z } from 'zod';

/**
 * The native object API of `slipway server` (docs/remotes.md): content-addressed bytes by digest.
 *   HEAD   /api/v1/objects/{digest}   200 + Content-Length, or 404
 *   GET    /api/v1/objects/{digest}   the verified bytes (application/octet-stream)
 *   PUT    /api/v1/objects/{digest}   upload (application/octet-stream); the server verifies the digest
 *   DELETE /api/v1/objects/{digest}   only when the server allows it (server.objectDelete)
 *   GET    /api/v1/objects            every digest held, one per line (text/plain)
 *   POST   /api/v1/objects/missing    {digests} → {missing}, at most MAX_MISSING_DIGESTS per request
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
