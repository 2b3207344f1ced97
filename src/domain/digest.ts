import { invalidParameter } from './errors.js';

/** A content address: `sha256:` followed by 64 lowercase hex characters. */
export type Digest = `sha256:${string}`;

const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

export const isDigest = (value: string): value is Digest => DIGEST_PATTERN.test(value);

export const parseDigest = (value: string, field = 'digest'): Digest => {
  if (isDigest(value)) return value;
  throw invalidParameter(`${field} '${value.slice(0, 80)}' is not a valid digest.`, {
    hint: 'A digest is "sha256:" followed by 64 lowercase hexadecimal characters.',
  });
};

export const digestFromHex = (hex: string): Digest => parseDigest(`sha256:${hex}`);

export const digestHex = (digest: Digest): string => digest.slice('sha256:'.length);
