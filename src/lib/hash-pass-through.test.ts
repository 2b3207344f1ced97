import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HashPassThrough, hashStream, hashThrough } from './hash-pass-through.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const drain = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

describe('HashPassThrough', () => {
  it('passes bytes through while hashing and counting them', async () => {
    const parts = [Buffer.from('hello '), Buffer.from('world')];
    const hasher = hashThrough(Readable.from(parts));
    expect((await drain(hasher)).toString()).toBe('hello world');
    expect(hasher.result()).toEqual({ hex: sha256(Buffer.from('hello world')), bytes: 11 });
  });

  it('fails instead of ending when the check rejects the result', async () => {
    const check = () => new Error('wrong digest');
    await expect(drain(hashThrough(Readable.from([Buffer.from('x')]), { check }))).rejects.toThrow('wrong digest');
  });

  it('supports other algorithms', async () => {
    const hasher = new HashPassThrough({ algorithm: 'md5' });
    hasher.end(Buffer.from('abc'));
    await drain(hasher);
    expect(hasher.result().hex).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('propagates a source error', async () => {
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('x');
        throw new Error('source failed');
      })(),
    );
    await expect(drain(hashThrough(failing))).rejects.toThrow('source failed');
  });
});

describe('hashStream', () => {
  it('hashes a whole stream', async () => {
    const result = await hashStream(Readable.from([Buffer.from('ab'), Buffer.from('c')]));
    expect(result).toEqual({ hex: sha256(Buffer.from('abc')), bytes: 3 });
  });
});
