import { SlipwayError } from '../../../domain/errors.js';
import type { Db } from './db.js';

/** Names of the keys migration 0002 generates. */
export type StoreKeyName = 'page_token';

const cache = new WeakMap<object, Map<StoreKeyName, Buffer>>();

/**
 * A secret generated once per store (migration 0002) and shared by every process on it, so a page token minted
 * by one server replica verifies on another. Cached per database handle.
 */
export async function readStoreKey(db: Db, name: StoreKeyName): Promise<Buffer> {
  const cached = cache.get(db)?.get(name);
  if (cached !== undefined) return cached;
  const row = await db.selectFrom('store_keys').select('value').where('name', '=', name).executeTakeFirst();
  if (row === undefined) {
    throw new SlipwayError('DATA_LOSS', `The metadata store has no ${name} key.`, {
      hint: 'The store_keys table was altered by hand; restore it from a backup.',
    });
  }
  const key = Buffer.from(row.value, 'hex');
  const keys = cache.get(db) ?? new Map<StoreKeyName, Buffer>();
  keys.set(name, key);
  cache.set(db, keys);
  return key;
}
