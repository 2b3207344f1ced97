import { invalidParameter } from '../../domain/errors.js';
import { signPageToken, verifyPageToken } from '../../lib/page-token.js';
import type { Db } from '../../storage/metadata/tracking/db.js';
import { readStoreKey } from '../../storage/metadata/tracking/store-keys.js';

/** Which registry listing a token pages through: part of its signature, so tokens are not interchangeable. */
export type RegistryPurpose =
  | 'search-registered-models'
  | 'search-model-versions'
  | 'model-history'
  | 'deployment-history';

const badToken = (why: string) =>
  invalidParameter(`Invalid page_token: ${why}.`, {
    hint: 'Pass the next_page_token of the previous response unchanged, with the same filter and order_by; or start again without page_token.',
  });

/**
 * The payload of a token this store signed for `purpose` and for the search with this fingerprint; undefined
 * without a token. Forged, altered or foreign tokens are INVALID_PARAMETER_VALUE.
 */
export async function readRegistryToken(
  db: Db,
  purpose: RegistryPurpose,
  token: string | undefined,
  fingerprint: string,
): Promise<Record<string, unknown> | undefined> {
  if (token === undefined || token === '') return undefined;
  const verified = verifyPageToken(await readStoreKey(db, 'page_token'), purpose, token);
  if (!verified.ok) {
    throw badToken(
      verified.problem === 'bad signature' ? 'it is not one this server issued' : `it is ${verified.problem}`,
    );
  }
  const payload = verified.payload as Record<string, unknown> | null;
  if (payload === null || typeof payload !== 'object' || payload.q !== fingerprint) {
    throw badToken('it belongs to another search');
  }
  return payload;
}

/** Signs a token carrying `position` for the search with this fingerprint. */
export async function registryToken(
  db: Db,
  purpose: RegistryPurpose,
  fingerprint: string,
  position: Record<string, number>,
): Promise<string> {
  return signPageToken(await readStoreKey(db, 'page_token'), purpose, { ...position, q: fingerprint });
}

/** A non-negative safe integer from a token payload, or INVALID_PARAMETER_VALUE. */
export function tokenNumber(payload: Record<string, unknown>, key: string): number {
  const value = payload[key];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= 1e15) return value;
  throw badToken('it is malformed');
}
