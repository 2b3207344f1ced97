import { Readable } from 'node:stream';
import { parseTree, serializeTree, type TreeEntry } from '../data/tree/tree.js';
import { type Digest, digestHex, isDigest } from '../domain/digest.js';
import { invalidParameter, isSlipwayError, notFound, SlipwayError } from '../domain/errors.js';
import type { ObjectStore } from '../storage/objects/types.js';

/**
 * Where the artifact proxy lists a pinned tree's files: a read-only, content-addressed folder under the artifacts
 * root. get-download-uri answers `mlflow-artifacts:/_slipway/trees/<hex>`, so MLflow clients download a version
 * with the artifact proxy they already speak, and two versions with equal trees share one folder.
 */
export const PINNED_ROOT = '_slipway/trees';

export const pinnedFolder = (digest: Digest): string => `${PINNED_ROOT}/${digestHex(digest)}`;

export const pinnedDownloadUri = (digest: Digest): string => `mlflow-artifacts:/${pinnedFolder(digest)}`;

/** The digest of a pinned folder's name (`<hex>`), or INVALID_PARAMETER_VALUE. */
export function pinnedDigestOf(hex: string): Digest {
  const digest = `sha256:${hex}`;
  if (!isDigest(digest)) throw invalidParameter(`'${hex.slice(0, 80)}' is not the digest of a pinned tree.`);
  return digest;
}

/** Stores a tree object (content-addressed: storing it twice is harmless); returns its digest. */
export async function putPinnedTree(objects: ObjectStore, entries: readonly TreeEntry[]): Promise<Digest> {
  return (await objects.put(Readable.from([Buffer.from(serializeTree(entries))]))).digest;
}

const CACHED_TREES = 32;
const cache = new WeakMap<ObjectStore, Map<Digest, TreeEntry[]>>();

/**
 * Reads and validates a pinned tree (the object store verifies its bytes against the digest). Trees never change,
 * so the last few read are kept per store. A missing tree object is DATA_LOSS: something deleted a pinned object.
 */
export async function readPinnedTree(objects: ObjectStore, digest: Digest): Promise<TreeEntry[]> {
  const trees = cache.get(objects) ?? new Map<Digest, TreeEntry[]>();
  cache.set(objects, trees);
  const cached = trees.get(digest);
  if (cached !== undefined) return cached;
  const entries = parseTree((await readObject(objects, digest, 'tree')).toString('utf8'), digest);
  trees.set(digest, entries);
  if (trees.size > CACHED_TREES) trees.delete(trees.keys().next().value as Digest);
  return entries;
}

/** Reads a whole (small) object, verified; DATA_LOSS when it is missing. */
export async function readObject(objects: ObjectStore, digest: Digest, what: string): Promise<Buffer> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await objects.get(digest)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (error) {
    if (isSlipwayError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') throw missingObject(digest, what, error);
    throw error;
  }
}

const missingObject = (digest: Digest, what: string, cause: unknown) =>
  new SlipwayError('DATA_LOSS', `The ${what} object ${digest} of a registered model version is missing.`, {
    cause,
    hint: 'An operator should restore it from a backup of the object store; pinned objects are never collected.',
  });

/** The entry of a pinned tree at `path`, or RESOURCE_DOES_NOT_EXIST. */
export function pinnedEntry(entries: readonly TreeEntry[], path: string, digest: Digest): TreeEntry {
  const entry = entries.find((candidate) => candidate.path === path);
  if (entry === undefined) throw notFound(`The model tree ${digest} has no file ${path.slice(0, 300)}.`);
  return entry;
}
