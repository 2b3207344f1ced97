import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import { errorResponseSchema } from '../../contract/error-codes.js';
import { MAX_BATCH_OBJECTS } from '../../contract/objects-api.js';
import type { Digest } from '../../domain/digest.js';
import { openMetadata } from '../../storage/metadata/open-metadata.js';
import { createFsObjectStore } from '../../storage/objects/fs-object-store.js';
import { OBJECT_PACK_TYPE, PACK_STATUS, packFrame, readPack } from '../../storage/objects/object-pack.js';
import { patternBytes, sha256Of } from '../../storage/objects/testing/test-bytes.js';
import type { ObjectStore } from '../../storage/objects/types.js';
import { buildApp } from '../build-app.js';

const BASE = '/api/v1/objects';
const headers = (type: string) => ({ host: 'localhost:5000', 'content-type': type });
const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

async function makeApp(objectMaxBytes?: number): Promise<{ app: FastifyInstance; objects: ObjectStore }> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-object-batch-'));
  const server = objectMaxBytes === undefined ? {} : { objectMaxBytes };
  const config = await loadConfig({ flags: { server }, env: {}, cwd: '/nonexistent/cwd', homeDir: '/nonexistent/h' });
  const metadata = await openMetadata('sqlite:///:memory:');
  const objects = await createFsObjectStore(root);
  const app = buildApp({ config, metadata, objects, version: '0.0.0-test' });
  opened.push(async () => {
    await app.close();
    await Promise.all([metadata.close(), objects.close()]);
    await rm(root, { recursive: true, force: true });
  });
  return { app, objects };
}

const pack = (frames: Array<[Digest, Buffer]>) =>
  Buffer.concat(frames.flatMap(([digest, bytes]) => packFrame(PACK_STATUS.object, digest, bytes)));

const write = (app: FastifyInstance, payload: Buffer) =>
  app.inject({ method: 'POST', url: `${BASE}/batch/write`, payload, headers: headers(OBJECT_PACK_TYPE) });

const read = (app: FastifyInstance, body: unknown) =>
  app.inject({
    method: 'POST',
    url: `${BASE}/batch/read`,
    payload: JSON.stringify(body),
    headers: headers('application/json'),
  });

function expectError(response: { statusCode: number; body: string }, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(errorResponseSchema.parse(JSON.parse(response.body)).error_code).toBe(code);
}

const framesOf = async (body: Buffer) => {
  const statuses = new Set<number>(Object.values(PACK_STATUS));
  const limits = { maxFrames: 10_000, maxObjectBytes: 1 << 30, maxTotalBytes: 1 << 30, statuses };
  const frames = [];
  const source = (async function* () {
    yield body;
  })();
  for await (const frame of readPack(source, limits)) frames.push(frame);
  return frames;
};

describe('object API: batches', () => {
  it('stores a pack, verifying every object, and refuses only the ones whose bytes do not match', async () => {
    const { app, objects } = await makeApp();
    const [a, b] = [patternBytes(3000, 1), patternBytes(0, 2)];
    const claimed = sha256Of(patternBytes(10, 3));
    const response = await write(
      app,
      pack([
        [sha256Of(a), a],
        [claimed, patternBytes(10, 4)],
        [sha256Of(b), b],
      ]),
    );
    expect(response.statusCode, response.body).toBe(200);
    const { results } = JSON.parse(response.body);
    expect(results[0]).toEqual({ digest: sha256Of(a), size: 3000 });
    expect(results[1]).toMatchObject({ digest: claimed, error_code: 'CORRUPT_OBJECT' });
    expect(results[2]).toEqual({ digest: sha256Of(b), size: 0 });
    expect(await objects.missing([sha256Of(a), claimed, sha256Of(b)])).toEqual([claimed]);
  });

  it('answers a batch read in request order: objects, absent, too large for the batch', async () => {
    const { app, objects } = await makeApp();
    const [small, large] = [patternBytes(2000, 5), patternBytes(5000, 6)];
    await write(
      app,
      pack([
        [sha256Of(small), small],
        [sha256Of(large), large],
      ]),
    );
    const absent = sha256Of(patternBytes(1, 7));
    const response = await read(app, { digests: [absent, sha256Of(large), sha256Of(small)], max_object_bytes: 4096 });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(OBJECT_PACK_TYPE);
    const frames = await framesOf(response.rawPayload);
    expect(frames.map((frame) => [frame.digest, frame.status])).toEqual([
      [absent, PACK_STATUS.absent],
      [sha256Of(large), PACK_STATUS.large],
      [sha256Of(small), PACK_STATUS.object],
    ]);
    expect(frames[2]?.bytes.equals(small)).toBe(true);
    expect(await objects.has(sha256Of(large))).toBe(true);
  });

  it('bounds packs: objects over the size limit, too many objects, malformed frames, bad digests', async () => {
    const { app, objects } = await makeApp(1000);
    const big = patternBytes(1001, 8);
    expectError(await write(app, pack([[sha256Of(big), big]])), 413, 'PAYLOAD_TOO_LARGE');
    const tiny = patternBytes(1, 9);
    const many = pack(Array.from({ length: MAX_BATCH_OBJECTS + 1 }, (): [Digest, Buffer] => [sha256Of(tiny), tiny]));
    expectError(await write(app, many), 413, 'PAYLOAD_TOO_LARGE');
    const truncated = pack([[sha256Of(tiny), tiny]]).subarray(0, 30);
    expectError(await write(app, truncated), 400, 'INVALID_PARAMETER_VALUE');
    const absentStatus = Buffer.concat(packFrame(PACK_STATUS.absent, sha256Of(tiny)));
    expectError(await write(app, absentStatus), 400, 'INVALID_PARAMETER_VALUE');
    expect(await objects.has(sha256Of(tiny))).toBe(false);
    const digests = Array.from({ length: MAX_BATCH_OBJECTS + 1 }, () => sha256Of(tiny));
    expectError(await read(app, { digests }), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await read(app, { digests: ['sha256:nope'] }), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await read(app, { digests: [], extra: 1 }), 400, 'INVALID_PARAMETER_VALUE');
  });
});
