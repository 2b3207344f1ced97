import { createHash } from 'node:crypto';
import { invalidParameter } from '../../domain/errors.js';
import { signPageToken, verifyPageToken } from '../../lib/page-token.js';
import type { Db } from '../../storage/metadata/tracking/db.js';
import { readStoreKey } from '../../storage/metadata/tracking/store-keys.js';

/** Which listing a token pages through: part of its signature, so a token of one is refused by the other. */
export type SearchPurpose = 'search-runs' | 'search-experiments';

/** Offsets past this are refused (nobody pages a billion rows; it keeps OFFSET bounded). */
const MAX_OFFSET = 1_000_000_000;

/** Payload: the offset of the next page and a fingerprint of the search it belongs to. */
interface SearchToken {
  readonly o: number;
  readonly q: string;
}

/**
 * A short digest of everything that defines a search (ids, filter, view, order): a token only continues the
 * search it came from. Items are JSON-encoded so no two different searches share a fingerprint.
 */
export function searchFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

const badToken = (why: string) =>
  invalidParameter(`Invalid page_token: ${why}.`, {
    hint: 'Pass the next_page_token of the previous response unchanged, with the same filter, order_by and ids; or start again without page_token.',
  });

/** The offset a page token continues from; 0 without one. Forged, altered or foreign tokens are 400s. */
export async function readSearchOffset(
  db: Db,
  purpose: SearchPurpose,
  token: string | undefined,
  fingerprint: string,
): Promise<number> {
  if (token === undefined || token === '') return 0;
  const verified = verifyPageToken(await readStoreKey(db, 'page_token'), purpose, token);
  if (!verified.ok) {
    throw badToken(
      verified.problem === 'bad signature' ? 'it is not one this server issued' : `it is ${verified.problem}`,
    );
  }
  const payload = verified.payload as Partial<SearchToken> | null;
  if (payload?.q !== fingerprint) throw badToken('it belongs to another search');
  const offset = payload.o;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
    throw badToken('it is malformed');
  }
  return offset;
}

/** A signed token for the page starting at `offset`. */
export async function searchToken(
  db: Db,
  purpose: SearchPurpose,
  fingerprint: string,
  offset: number,
): Promise<string> {
  const payload: SearchToken = { o: offset, q: fingerprint };
  return signPageToken(await readStoreKey(db, 'page_token'), purpose, payload);
}
