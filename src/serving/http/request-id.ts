import { randomFillSync } from 'node:crypto';

/** Ids made per refill of the random bytes (16 bytes each). */
const BATCH = 256;
const HEX = Buffer.from('0123456789abcdef', 'latin1');

let random = Buffer.alloc(0);
let next = BATCH;
const text = Buffer.alloc(36);

/**
 * A random (version 4) UUID, as `crypto.randomUUID()` makes, from the same kind of randomness (refilled by
 * `randomFillSync`, 256 ids at a time). Written as bytes and read as one flat string: `randomUUID` joins twenty
 * pieces, which every header check then has to flatten again, on every request.
 */
export function newRequestId(): string {
  if (next === BATCH) {
    random = randomFillSync(Buffer.alloc(16 * BATCH));
    next = 0;
  }
  const at = 16 * next++;
  let out = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[out++] = 0x2d;
    let byte = random[at + i] as number;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    text[out++] = HEX[byte >> 4] as number;
    text[out++] = HEX[byte & 0x0f] as number;
  }
  return text.toString('latin1', 0, 36);
}
