import type { Readable } from 'node:stream';
import { type Digest, digestFromHex } from '../../domain/digest.js';
import { corruptObject, type SlipwayError } from '../../domain/errors.js';
import { type HashResult, hashStream } from '../../lib/hash-pass-through.js';
import type { ObjectInfo } from './types.js';

export const objectInfoOf = (result: HashResult): ObjectInfo => ({
  digest: digestFromHex(result.hex),
  size: result.bytes,
});

/** The CORRUPT_OBJECT error of a put whose bytes do not hash to the digest the caller announced. */
export const unexpectedDigest = (actual: ObjectInfo, expected: Digest): SlipwayError =>
  corruptObject(
    `The bytes given for ${expected} hash to ${actual.digest} (${actual.size} bytes); nothing was stored.`,
    { hint: 'The source changed while it was read or is corrupt: read it again, or recompute its digest.' },
  );

/** Throws CORRUPT_OBJECT when an expected digest is given and differs from the actual one. */
export const assertExpectedDigest = (actual: ObjectInfo, expected: Digest | undefined): void => {
  if (expected !== undefined && actual.digest !== expected) throw unexpectedDigest(actual, expected);
};

/** For an object already stored under `expected`: only hashes the bytes, to honour the expected-digest check. */
export const hashAndCheck = async (body: Readable, expected: Digest): Promise<ObjectInfo> => {
  const info = objectInfoOf(await hashStream(body));
  assertExpectedDigest(info, expected);
  return info;
};
