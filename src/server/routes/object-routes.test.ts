import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigLayer } from '../../config/config-schema.js';
import { loadConfig } from '../../config/load-config.js';
import { errorResponseSchema } from '../../contract/error-codes.js';
import { MAX_MISSING_DIGESTS } from '../../contract/objects-api.js';
import type { Digest } from '../../domain/digest.js';
import { SlipwayError } from '../../domain/errors.js';
import { P_TRAV } from '../../domain/testing/traversal-payloads.js';
import { openMetadata } from '../../storage/metadata/open-metadata.js';
import { createFsObjectStore } from '../../storage/objects/fs-object-store.js';
import { objectRelativePath } from '../../storage/objects/object-layout.js';
import { flipByte, patternBytes, sha256Of } from '../../storage/objects/testing/test-bytes.js';
import type { ObjectStore } from '../../storage/objects/types.js';
import type { ServerAuth } from '../app-deps.js';
import { buildApp } from '../build-app.js';

const HOST = 'localhost:5000';
const BASE = '/api/v1/objects';
const OCTET = { 'content-type': 'application/octet-stream' };

interface TestApp {
  readonly app: FastifyInstance;
  readonly objects: ObjectStore;
  readonly root: string;
}

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

async function makeApp(server: NonNullable<ConfigLayer['server']> = {}, auth?: ServerAuth): Promise<TestApp> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-object-routes-'));
  const config = await loadConfig({ flags: { server }, env: {}, cwd: '/nonexistent/cwd', homeDir: '/nonexistent/h' });
  const metadata = await openMetadata('sqlite:///:memory:');
  const objects = await createFsObjectStore(root);
  const app = buildApp({ config, metadata, objects, version: '0.0.0-test', ...(auth ? { auth } : {}) });
  opened.push(async () => {
    await app.close();
    await Promise.all([metadata.close(), objects.close()]);
    await rm(root, { recursive: true, force: true });
  });
  return { app, objects, root };
}

const inject = (app: FastifyInstance, options: InjectOptions) =>
  app.inject({ ...options, headers: { host: HOST, ...options.headers } });

const put = (app: FastifyInstance, digest: string, payload: Buffer | Readable, headers: Record<string, string> = {}) =>
  inject(app, { method: 'PUT', url: `${BASE}/${digest}`, payload, headers: { ...OCTET, ...headers } });

const postMissing = (app: FastifyInstance, body: unknown) =>
  inject(app, {
    method: 'POST',
    url: `${BASE}/missing`,
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

function expectError(response: { statusCode: number; body: string }, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = errorResponseSchema.parse(JSON.parse(response.body));
  expect(body.error_code).toBe(code);
  return body;
}

/** Everything under the store's folder (objects and temp files), for "nothing was stored" checks. */
const filesUnder = async (root: string) =>
  (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((e) => e.name);

const digestOf = (seed: number, size = 1000) => sha256Of(patternBytes(size, seed));

describe('object API: upload, stat, download', () => {
  it('stores a PUT body under its digest; HEAD answers its size, GET streams the bytes', async () => {
    const { app, objects } = await makeApp();
    const bytes = patternBytes(2 * 1024 * 1024 + 3, 1);
    const digest = sha256Of(bytes);
    const upload = await put(app, digest, bytes);
    expect(upload.statusCode, upload.body).toBe(200);
    expect(upload.json()).toEqual({ digest, size: bytes.length });
    expect(await objects.stat(digest)).toEqual({ digest, size: bytes.length });

    const head = await inject(app, { method: 'HEAD', url: `${BASE}/${digest}` });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(bytes.length));
    expect(head.rawPayload.length).toBe(0);

    const get = await inject(app, { method: 'GET', url: `${BASE}/${digest}` });
    expect(get.statusCode).toBe(200);
    expect(get.headers).toMatchObject({ 'content-type': 'application/octet-stream', etag: `"${digest}"` });
    expect(get.rawPayload.equals(bytes)).toBe(true);
  });

  it('accepts a streamed (chunked) upload and the empty object, and a repeated upload of a stored object', async () => {
    const { app, objects } = await makeApp();
    const bytes = patternBytes(300_000, 2);
    const streamed = await put(app, sha256Of(bytes), Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    expect(streamed.statusCode, streamed.body).toBe(200);
    expect((await put(app, sha256Of(bytes), bytes)).statusCode).toBe(200);
    const empty = await put(app, sha256Of(Buffer.alloc(0)), Buffer.alloc(0));
    expect(empty.json()).toEqual({ digest: sha256Of(Buffer.alloc(0)), size: 0 });
    expect((await objects.missing([sha256Of(bytes), sha256Of(Buffer.alloc(0))])).length).toBe(0);
  });

  it('answers 404 to HEAD and GET of an object it does not hold, naming the digest', async () => {
    const { app } = await makeApp();
    const digest = digestOf(3);
    expect((await inject(app, { method: 'HEAD', url: `${BASE}/${digest}` })).statusCode).toBe(404);
    const body = expectError(await inject(app, { url: `${BASE}/${digest}` }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(body.message).toBe(`Object ${digest} does not exist on this server.`);
  });

  it('refuses a corrupt stored object with CORRUPT_OBJECT, naming no server path', async () => {
    const { app, objects, root } = await makeApp();
    const bytes = patternBytes(5000, 4);
    const { digest } = await objects.put(Readable.from([bytes]));
    const path = join(root, objectRelativePath(digest));
    await chmod(path, 0o644);
    await writeFile(path, flipByte(await readFile(path), 10));
    const body = expectError(await inject(app, { url: `${BASE}/${digest}` }), 500, 'CORRUPT_OBJECT');
    expect(body.message).toContain(digest);
    expect(body.message).not.toContain(root);
  });
});

describe('object API: uploads it refuses, storing nothing', () => {
  it('refuses bytes that do not hash to the digest in the URL with 400 INVALID_PARAMETER_VALUE', async () => {
    const { app, root } = await makeApp();
    const claimed = digestOf(5);
    const body = expectError(await put(app, claimed, patternBytes(1000, 6)), 400, 'INVALID_PARAMETER_VALUE');
    expect(body.message).toContain(claimed);
    expect(body.message).toContain(digestOf(6));
    expect(await filesUnder(root)).toEqual([]);
  });

  it('refuses mismatching bytes for a digest it already holds, keeping the good copy', async () => {
    const { app, objects } = await makeApp();
    const good = patternBytes(1000, 7);
    await objects.put(Readable.from([good]));
    expectError(await put(app, sha256Of(good), flipByte(good, 3)), 400, 'INVALID_PARAMETER_VALUE');
    const get = await inject(app, { url: `${BASE}/${sha256Of(good)}` });
    expect(get.rawPayload.equals(good)).toBe(true);
  });

  it('refuses bodies over server.objectMaxBytes, announced or streamed, with 413', async () => {
    const { app, root } = await makeApp({ objectMaxBytes: 4096 });
    const bytes = patternBytes(5000, 8);
    const announced = expectError(await put(app, sha256Of(bytes), bytes), 413, 'PAYLOAD_TOO_LARGE');
    expect(announced.message).toContain('4096');
    const streamed = await put(app, sha256Of(bytes), Readable.from([bytes.subarray(0, 3000), bytes.subarray(3000)]));
    expectError(streamed, 413, 'PAYLOAD_TOO_LARGE');
    expect(await filesUnder(root)).toEqual([]);
    expect((await put(app, digestOf(9, 4096), patternBytes(4096, 9))).statusCode).toBe(200);
  });

  it('refuses other media types with 415', async () => {
    const { app, root } = await makeApp();
    const bytes = patternBytes(10, 10);
    const response = await put(app, sha256Of(bytes), bytes, { 'content-type': 'application/json' });
    expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await filesUnder(root)).toEqual([]);
  });
});

describe('object API: digests in the path are validated strictly', () => {
  const bad = [
    'sha256:XYZ',
    `sha256:${'A'.repeat(64)}`,
    `sha256:${'a'.repeat(63)}`,
    `sha512:${'a'.repeat(64)}`,
    `sha256:${'a'.repeat(64)}x`,
    'a'.repeat(64),
    ...P_TRAV.map((payload) => payload.replaceAll('/', '%2F')),
    `sha256:..%2F..%2F${'a'.repeat(58)}`,
  ];

  it.each(['GET', 'HEAD', 'PUT', 'DELETE'] as const)(
    '%s refuses malformed and traversal-looking digests with 400',
    async (method) => {
      const { app, root } = await makeApp({ objectDelete: true });
      for (const digest of bad) {
        const response = await inject(app, {
          method,
          url: `${BASE}/${digest}`,
          ...(method === 'PUT' ? { payload: Buffer.from('x'), headers: OCTET } : {}),
        });
        // Refused as a bad digest (400), or never routed to the object API at all (404, or 415 for a PUT).
        expect([400, 404, 415], `${method} ${digest}: ${response.body}`).toContain(response.statusCode);
        if (response.statusCode === 400 && method !== 'HEAD') {
          expect(JSON.parse(response.body).error_code).toMatch(/INVALID_PARAMETER_VALUE|BAD_REQUEST/);
        }
      }
      expect(await filesUnder(root)).toEqual([]);
    },
  );

  it('names the bad digest in the message', async () => {
    const { app } = await makeApp();
    const body = expectError(await inject(app, { url: `${BASE}/sha256:nothex` }), 400, 'INVALID_PARAMETER_VALUE');
    expect(body.message).toBe("digest 'sha256:nothex' is not a valid digest.");
  });
});

describe('object API: missing', () => {
  it('answers which digests it lacks, in request order without duplicates', async () => {
    const { app, objects } = await makeApp();
    const { digest: present } = await objects.put(Readable.from([patternBytes(10, 11)]));
    const [a, b] = [digestOf(12), digestOf(13)];
    const response = await postMissing(app, { digests: [b, present, a, b] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ missing: [b, a] });
    expect((await postMissing(app, { digests: [] })).json()).toEqual({ missing: [] });
  });

  it('takes 10,000 digests in one request and refuses 10,001 naming the limit', async () => {
    const { app } = await makeApp();
    const digests = Array.from(
      { length: MAX_MISSING_DIGESTS + 1 },
      (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`,
    );
    const full = await postMissing(app, { digests: digests.slice(0, MAX_MISSING_DIGESTS) });
    expect(full.json().missing).toHaveLength(MAX_MISSING_DIGESTS);
    const body = expectError(await postMissing(app, { digests }), 400, 'INVALID_PARAMETER_VALUE');
    expect(body.message).toContain('10000');
  });

  it('refuses an invalid digest naming it and its position, and malformed bodies', async () => {
    const { app } = await makeApp();
    const body = expectError(
      await postMissing(app, { digests: [digestOf(14), '../../etc/passwd'] }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expect(body.message).toBe("digests[1] '../../etc/passwd' is not a valid digest.");
    for (const bad of [{}, { digests: 'sha256:x' }, { digests: [1] }, { digests: [], extra: 1 }, []]) {
      expectError(await postMissing(app, bad), 400, 'INVALID_PARAMETER_VALUE');
    }
  });
});

describe('object API: list and delete', () => {
  it('lists every digest, one per line', async () => {
    const { app, objects } = await makeApp();
    const stored = await Promise.all([1, 2].map((seed) => objects.put(Readable.from([patternBytes(100, seed)]))));
    const response = await inject(app, { url: BASE });
    expect(response.statusCode).toBe(200);
    expect(response.body.trim().split('\n').sort()).toEqual(stored.map((info) => info.digest).sort());
  });

  it('refuses DELETE unless server.objectDelete is on, then deletes', async () => {
    const off = await makeApp();
    const { digest } = await off.objects.put(Readable.from([patternBytes(100, 3)]));
    expectError(await inject(off.app, { method: 'DELETE', url: `${BASE}/${digest}` }), 403, 'PERMISSION_DENIED');
    expect(await off.objects.has(digest)).toBe(true);

    const on = await makeApp({ objectDelete: true });
    await on.objects.put(Readable.from([patternBytes(100, 3)]));
    expect((await inject(on.app, { method: 'DELETE', url: `${BASE}/${digest}` })).statusCode).toBe(204);
    expect(await on.objects.has(digest)).toBe(false);
    expect((await inject(on.app, { method: 'DELETE', url: `${BASE}/${digest}` })).statusCode).toBe(204);
  });
});

describe('object API: guards', () => {
  it('goes through the Host allowlist and the auth seam', async () => {
    const auth: ServerAuth = {
      authenticate: async (request) => {
        if (request.headers.authorization !== 'Bearer good') throw new SlipwayError('UNAUTHENTICATED', 'No token.');
      },
    };
    const { app } = await makeApp({}, auth);
    const digest: Digest = digestOf(15);
    expectError(
      await inject(app, { url: `${BASE}/${digest}`, headers: { host: 'evil.example' } }),
      403,
      'PERMISSION_DENIED',
    );
    expectError(await inject(app, { url: `${BASE}/${digest}` }), 401, 'UNAUTHENTICATED');
    expectError(await postMissing(app, { digests: [] }), 401, 'UNAUTHENTICATED');
    const authorized = await inject(app, { url: `${BASE}/${digest}`, headers: { authorization: 'Bearer good' } });
    expectError(authorized, 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});
