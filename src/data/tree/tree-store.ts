import { Readable } from 'node:stream';
import type { Digest } from '../../domain/digest.js';
import { isSlipwayError, notFound } from '../../domain/errors.js';
import type { ObjectStore } from '../../storage/objects/types.js';
import { parseTree, serializeTree, type TreeEntry } from './tree.js';

/** Stores a directory's tree object; returns its digest (the digest of the directory) and its byte size. */
export async function putTree(store: ObjectStore, entries: readonly TreeEntry[]): Promise<Digest> {
  const bytes = Buffer.from(serializeTree(entries));
  return (await store.put(Readable.from([bytes]))).digest;
}

/** The suggestion for an object that is not in the cache. */
export const PULL_HINT = 'Fetch it with `slipway pull` (from the default remote), or `slipway add` the data again.';

/** Reads and validates a tree object; RESOURCE_DOES_NOT_EXIST naming `label` (what it is the tree of) if absent. */
export async function readTree(store: ObjectStore, digest: Digest, label: string): Promise<TreeEntry[]> {
  const tree = await tryReadTree(store, digest, label);
  if (tree !== undefined) return tree;
  throw notFound(`The tree of ${label} (${digest}) is not in the cache.`, { hint: PULL_HINT });
}

/** Like readTree, but undefined when the object is absent. */
export async function tryReadTree(store: ObjectStore, digest: Digest, label: string): Promise<TreeEntry[] | undefined> {
  let stream: Readable;
  try {
    stream = await store.get(digest);
  } catch (error) {
    if (isSlipwayError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw error;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return parseTree(Buffer.concat(chunks).toString('utf8'), `${digest} (${label})`);
}
