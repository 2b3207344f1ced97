import { type Digest, digestHex, isDigest } from '../../domain/digest.js';

/** Where objects live inside a store, relative to its root: `objects/sha256/ab/cdef…` (git/DVC fan-out). */
export const OBJECTS_DIR = 'objects/sha256';

/** Where writers stage bytes whose digest is not known yet. Never listed as objects. */
export const TEMP_DIR = 'tmp';

export const objectRelativePath = (digest: Digest): string => {
  const hex = digestHex(digest);
  return `${OBJECTS_DIR}/${hex.slice(0, 2)}/${hex.slice(2)}`;
};

/** The digest named by a fan-out directory and a file name, or undefined when they do not form one. */
export const digestFromParts = (fanOut: string, rest: string): Digest | undefined => {
  const candidate = `sha256:${fanOut}${rest}`;
  return fanOut.length === 2 && isDigest(candidate) ? candidate : undefined;
};

/** Unique digests in first-seen order. */
export const uniqueDigests = (digests: readonly Digest[]): Digest[] => [...new Set(digests)];
