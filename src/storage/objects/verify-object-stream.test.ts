import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MIB, patternBytes, readAll, readUntilError, sha256Of } from './testing/test-bytes.js';
import { verifyObjectStream } from './verify-object-stream.js';

const where = { location: '/store/objects/sha256/ab/cd', hint: 'Delete it and push again.' };
const chunks = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.byteLength / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

describe('verifyObjectStream', () => {
  it('passes intact bytes through unchanged', async () => {
    const bytes = patternBytes(3 * MIB + 5);
    const verified = await readAll(verifyObjectStream(Readable.from(chunks(bytes, 65536)), sha256Of(bytes), where));
    expect(verified.equals(bytes)).toBe(true);
  });

  it('fails with CORRUPT_OBJECT naming digest, location and hint, withholding the final chunk', async () => {
    const bytes = patternBytes(10 * 65536);
    const digest = sha256Of(patternBytes(10 * 65536, 2));
    const stream = verifyObjectStream(Readable.from(chunks(bytes, 65536)), digest, where);
    const { received, error } = await readUntilError(stream);
    expect(received).toBeLessThanOrEqual(9 * 65536);
    expect(error).toMatchObject({
      code: 'CORRUPT_OBJECT',
      message: `Object ${digest} at ${where.location} is corrupt: its 655360 bytes hash to ${sha256Of(bytes)}.`,
      hint: where.hint,
    });
  });

  it('fails a single-chunk corrupt object without delivering any byte', async () => {
    const stream = verifyObjectStream(Readable.from([Buffer.from('bad')]), sha256Of(Buffer.from('good')), where);
    expect(await readUntilError(stream)).toMatchObject({ received: 0, error: { code: 'CORRUPT_OBJECT' } });
  });

  it('passes a source error through and destroys the source when the consumer stops early', async () => {
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('x');
        throw new Error('disk gone');
      })(),
    );
    await expect(readAll(verifyObjectStream(failing, sha256Of(Buffer.from('x')), where))).rejects.toThrow('disk gone');
    const source = Readable.from(chunks(patternBytes(MIB), 1024));
    verifyObjectStream(source, sha256Of(patternBytes(MIB)), where).destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.destroyed).toBe(true);
  });
});
