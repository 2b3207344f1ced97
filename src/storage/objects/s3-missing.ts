import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { type Digest, digestHex } from '../../domain/digest.js';
import { mapConcurrent } from '../../lib/map-concurrent.js';
import { OBJECTS_DIR } from './object-layout.js';
import type { S3StoreConfig } from './s3-config.js';

/** HEAD requests in flight at once; never unbounded. */
export const S3_HEAD_CONCURRENCY = 16;
/** Below this many digests, HEADs are always cheaper than estimating the store's size. */
const HEAD_ONLY_BELOW = 256;
/** A LIST page returns up to 1000 keys in one sequential request; HEADs run 16 at a time. */
const KEYS_PER_PAGE = 1000;
const FAN_OUTS = 256;

export type MissingStrategy = 'head' | 'list';

interface Listing {
  readonly client: S3Client;
  readonly config: S3StoreConfig;
}

/**
 * HEAD every digest (16 at a time), or list the whole store once, whichever costs fewer round trips: listing
 * T objects takes T/1000 sequential requests, N HEADs take about N/16. T is estimated from one fan-out folder,
 * counting no further than needed to decide (as DVC does before a push).
 */
export const chooseMissingStrategy = async (listing: Listing, digests: readonly Digest[]): Promise<MissingStrategy> => {
  const first = digests[0];
  if (first === undefined || digests.length < HEAD_ONLY_BELOW) return 'head';
  const listIfFewerThan = (digests.length / S3_HEAD_CONCURRENCY) * KEYS_PER_PAGE;
  const sampled = await countKeys(listing, `${digestHex(first).slice(0, 2)}/`, listIfFewerThan / FAN_OUTS);
  return sampled * FAN_OUTS < listIfFewerThan ? 'list' : 'head';
};

/** Keys under `<prefix>objects/sha256/<below>`, counting no further than `enough`. */
const countKeys = async ({ client, config }: Listing, below: string, enough: number): Promise<number> => {
  const Prefix = `${config.prefix}${OBJECTS_DIR}/${below}`;
  let count = 0;
  for await (const page of paginateListObjectsV2({ client }, { Bucket: config.bucket, Prefix })) {
    count += page.KeyCount ?? page.Contents?.length ?? 0;
    if (count >= enough) break;
  }
  return count;
};

/** The digests among `wanted` that `list` yields. */
export const presentByListing = async (list: AsyncIterable<Digest>, wanted: ReadonlySet<Digest>) => {
  const present = new Set<Digest>();
  for await (const digest of list) if (wanted.has(digest)) present.add(digest);
  return present;
};

/** The digests among `wanted` for which `has` answers true, with bounded concurrency. */
export const presentByHead = async (has: (digest: Digest) => Promise<boolean>, wanted: readonly Digest[]) => {
  const answers = await mapConcurrent(wanted, S3_HEAD_CONCURRENCY, has);
  return new Set(wanted.filter((_, index) => answers[index]));
};
