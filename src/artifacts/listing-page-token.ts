import { z } from 'zod';
import { invalidParameter } from '../domain/errors.js';
import type { ArtifactChildCursor } from '../storage/metadata/artifacts/list-artifact-children.js';

const TOKEN_VERSION = 1;
const MAX_TOKEN_LENGTH = 2048;

const tokenSchema = z.strictObject({
  v: z.literal(TOKEN_VERSION),
  name: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[^/]+$/),
  dir: z.boolean(),
});

/** An opaque page token for an artifact listing: where the previous page ended (a child name), versioned. */
export const encodeListingToken = (cursor: ArtifactChildCursor): string =>
  Buffer.from(JSON.stringify({ v: TOKEN_VERSION, name: cursor.name, dir: cursor.isDir })).toString('base64url');

/**
 * Reads a page token back. A token only positions a keyset scan within the listed folder (a parameter, never
 * SQL), so a forged one can skip entries but reveal or reach nothing else; a malformed one is a 400.
 */
export function decodeListingToken(token: string, field = 'page_token'): ArtifactChildCursor {
  const parsed = token.length <= MAX_TOKEN_LENGTH ? tokenSchema.safeParse(parseJson(token)) : undefined;
  if (parsed?.success === true) return { name: parsed.data.name, isDir: parsed.data.dir };
  throw invalidParameter(`Invalid ${field}: it is not a token this server issued.`, {
    hint: 'Pass the next_page_token of the previous page unchanged, or leave it out to start from the beginning.',
  });
}

function parseJson(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
