import { describe, expect, it } from 'vitest';
import { PACK_STATUS, type PackLimits, packFrame, readPack } from './object-pack.js';
import { patternBytes, sha256Of } from './testing/test-bytes.js';

const limits = (overrides: Partial<PackLimits> = {}): PackLimits => ({
  maxFrames: 100,
  maxObjectBytes: 10_000,
  maxTotalBytes: 100_000,
  statuses: new Set<number>(Object.values(PACK_STATUS)),
  ...overrides,
});

/** The body in pieces of `size` bytes, as a socket might deliver it. */
async function* pieces(body: Buffer, size: number) {
  for (let offset = 0; offset < body.byteLength; offset += size) yield body.subarray(offset, offset + size);
}

const readAllFrames = async (body: Buffer, size: number, packLimits = limits()) => {
  const frames = [];
  for await (const frame of readPack(pieces(body, size), packLimits)) frames.push(frame);
  return frames;
};

describe('object packs', () => {
  const [a, b] = [patternBytes(5000, 1), patternBytes(0, 2)];
  const body = Buffer.concat([
    ...packFrame(PACK_STATUS.object, sha256Of(a), a),
    ...packFrame(PACK_STATUS.absent, sha256Of(b)),
    ...packFrame(PACK_STATUS.object, sha256Of(b), b),
  ]);

  it.each([1, 7, 37, 4096, body.byteLength])('round-trips frames delivered in pieces of %i bytes', async (size) => {
    const frames = await readAllFrames(body, size);
    expect(frames.map((frame) => [frame.status, frame.digest, frame.bytes.byteLength])).toEqual([
      [PACK_STATUS.object, sha256Of(a), 5000],
      [PACK_STATUS.absent, sha256Of(b), 0],
      [PACK_STATUS.object, sha256Of(b), 0],
    ]);
    expect(frames[0]?.bytes.equals(a)).toBe(true);
  });

  it('refuses bodies that break a limit or the format, before buffering them', async () => {
    await expect(readAllFrames(body, 100, limits({ maxObjectBytes: 4999 }))).rejects.toThrow(/over 4999 bytes/);
    await expect(readAllFrames(body, 100, limits({ maxFrames: 2 }))).rejects.toThrow(/over 2 frames/);
    await expect(readAllFrames(body, 100, limits({ maxTotalBytes: 1000 }))).rejects.toThrow(/over 1000 bytes/);
    const objectsOnly = limits({ statuses: new Set([PACK_STATUS.object]) });
    await expect(readAllFrames(body, 100, objectsOnly)).rejects.toThrow(/frame 2 has status 1/);
    await expect(readAllFrames(body.subarray(0, 60), 7)).rejects.toThrow(/middle of a frame/);
    const lying = Buffer.concat(packFrame(PACK_STATUS.absent, sha256Of(a)));
    lying.writeUInt32BE(3, 33);
    await expect(readAllFrames(Buffer.concat([lying, Buffer.alloc(3)]), 64)).rejects.toThrow(/has bytes but status/);
  });
});
