import { createHash, randomBytes } from 'node:crypto';
import { stat, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { digestHex } from '../../domain/digest.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import {
  type ArtifactTestApp,
  artifactRows,
  eventually,
  expectError,
  fingerprint,
  inject,
  listObjects,
  makeArtifactApp,
  stagedFiles,
} from './testing/artifact-test-app.js';

const RUN = '0123456789abcdef0123456789abcdef';
const BASE = '/api/2.0/mlflow-artifacts/artifacts';
const runPath = (rest: string, run = RUN) => `0/${run}/artifacts/${rest}`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

forEachDialect('mlflow-artifacts routes', ({ open }) => {
  const apps: ArtifactTestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  const make = async (options?: { artifactMaxBytes?: number }) => {
    const made = await makeArtifactApp(await open(), options);
    apps.push(made);
    return made;
  };
  const put = (
    t: ArtifactTestApp,
    url: string,
    payload: Buffer | string | Readable,
    type = 'application/octet-stream',
  ) => inject(t.app, { method: 'PUT', url, payload, headers: { 'content-type': type } });

  describe('upload and download', () => {
    it('round-trips bytes exactly, with safe download headers, under both prefixes', async () => {
      const t = await make();
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const upload = await put(t, `${BASE}/${runPath('model/data.bin')}`, bytes);
      expect(upload.statusCode, upload.body).toBe(200);
      expect(upload.json()).toEqual({});
      for (const prefix of [BASE, '/ajax-api/2.0/mlflow-artifacts/artifacts']) {
        const response = await inject(t.app, { url: `${prefix}/${runPath('model/data.bin')}` });
        expect(response.statusCode).toBe(200);
        expect(response.rawPayload.equals(bytes)).toBe(true);
        expect(response.headers).toMatchObject({
          'content-type': 'application/octet-stream',
          'content-length': String(bytes.length),
          'content-disposition': `attachment; filename="data.bin"; filename*=UTF-8''data.bin`,
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
        });
      }
      const head = await inject(t.app, { method: 'HEAD', url: `${BASE}/${runPath('model/data.bin')}` });
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-length']).toBe(String(bytes.length));
      expect(head.body).toBe('');
      expect(await artifactRows(t.metadata)).toEqual([
        {
          path: runPath('model/data.bin'),
          digest: `sha256:${sha256(bytes)}`,
          size: bytes.length,
          created_time: expect.any(Number),
        },
      ]);
    });

    it.each([
      ['notes.txt', 'text/plain', 'not json {', 'text/plain; charset=utf-8'],
      ['metrics.json', 'application/json', '{"broken": ', 'application/json'],
      ['plot.png', 'image/png', '\x89PNG', 'image/png'],
      ['page.html', 'text/html', '<script>alert(1)</script>', 'application/octet-stream'],
      ['icon.svg', 'image/svg+xml', '<svg onload="alert(1)"/>', 'application/octet-stream'],
      ['MLmodel', 'application/octet-stream', 'flavors: {}', 'text/plain; charset=utf-8'],
    ])('accepts %s sent as %s and stores the body untouched', async (name, sent, body, served) => {
      const t = await make();
      expect((await put(t, `${BASE}/${runPath(name)}`, body, sent)).statusCode).toBe(200);
      const response = await inject(t.app, { url: `${BASE}/${runPath(name)}` });
      expect(response.body).toBe(body);
      expect(response.headers['content-type']).toBe(served);
    });

    it('accepts a body without a Content-Type, and an empty file', async () => {
      const t = await make();
      const headers = { 'content-type': undefined } as unknown as Record<string, string>;
      const noType = await inject(t.app, { method: 'PUT', url: `${BASE}/${runPath('raw')}`, payload: 'abc', headers });
      expect(noType.statusCode, noType.body).toBe(200);
      expect((await put(t, `${BASE}/${runPath('empty')}`, '')).statusCode).toBe(200);
      const empty = await inject(t.app, { url: `${BASE}/${runPath('empty')}` });
      expect(empty.statusCode).toBe(200);
      expect(empty.body).toBe('');
      expect((await inject(t.app, { url: `${BASE}/${runPath('raw')}` })).body).toBe('abc');
    });

    it('stores a file logged by two runs once, and overwrites a path in place', async () => {
      const t = await make();
      const bytes = randomBytes(4096);
      await put(t, `${BASE}/${runPath('model.onnx')}`, bytes);
      await put(t, `${BASE}/${runPath('model.onnx', 'f'.repeat(32))}`, bytes);
      expect(await listObjects(t.objects)).toEqual([`sha256:${sha256(bytes)}`]);
      expect((await artifactRows(t.metadata)).map((row) => row.digest)).toEqual([
        `sha256:${sha256(bytes)}`,
        `sha256:${sha256(bytes)}`,
      ]);
      await put(t, `${BASE}/${runPath('model.onnx')}`, 'v2');
      expect((await inject(t.app, { url: `${BASE}/${runPath('model.onnx')}` })).body).toBe('v2');
      expect(await artifactRows(t.metadata)).toHaveLength(2);
      expect(await listObjects(t.objects)).toHaveLength(2);
    });

    it('encodes any file name safely in Content-Disposition', async () => {
      const t = await make();
      await put(t, `${BASE}/${runPath('%C3%BC%20%22q%22(1).txt')}`, 'x');
      const response = await inject(t.app, { url: `${BASE}/${runPath('%C3%BC%20%22q%22(1).txt')}` });
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="_ _q_(1).txt"; filename*=UTF-8''%C3%BC%20%22q%22%281%29.txt`,
      );
    });

    it('refuses a file where a folder is, and a folder where a file is', async () => {
      const t = await make();
      await put(t, `${BASE}/${runPath('a/b.txt')}`, 'x');
      const under = expectError(await put(t, `${BASE}/${runPath('a/b.txt/c')}`, 'y'), 400, 'RESOURCE_ALREADY_EXISTS');
      expect(under.message).toBe(
        `Cannot store artifact ${runPath('a/b.txt/c')}: ${runPath('a/b.txt')} is a file, not a folder.`,
      );
      expectError(await put(t, `${BASE}/${runPath('a')}`, 'y'), 400, 'RESOURCE_ALREADY_EXISTS');
      expect(await artifactRows(t.metadata)).toHaveLength(1);
    });

    it('answers 404 for a missing file and DATA_LOSS for a missing object, naming no server path', async () => {
      const t = await make();
      const missing = expectError(
        await inject(t.app, { url: `${BASE}/${runPath('nope')}` }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      expect(missing.message).toBe(`Artifact ${runPath('nope')} does not exist.`);
      await put(t, `${BASE}/${runPath('gone.txt')}`, 'bytes');
      await t.objects.delete(`sha256:${sha256(Buffer.from('bytes'))}`);
      const gone = await inject(t.app, { url: `${BASE}/${runPath('gone.txt')}` });
      expectError(gone, 500, 'DATA_LOSS');
      expect(gone.body).not.toContain(t.root);
    });
  });

  describe('streaming and limits', () => {
    it('streams a large upload into the store without holding it in memory', async () => {
      const t = await make();
      const chunk = randomBytes(256 * 1024);
      const total = 64;
      let maxInFlight = 0;
      async function* body() {
        for (let i = 0; i < total; i++) {
          const staged = await stagedFiles(t.storeDir);
          const onDisk = staged.length === 0 ? 0 : (await stat(join(t.storeDir, 'tmp', staged[0] ?? ''))).size;
          maxInFlight = Math.max(maxInFlight, i * chunk.length - onDisk);
          yield chunk;
        }
      }
      const payload = Readable.from(body(), { objectMode: false, highWaterMark: 64 * 1024 });
      const response = await put(t, `${BASE}/${runPath('big.bin')}`, payload);
      expect(response.statusCode, response.body).toBe(200);
      expect(maxInFlight).toBeLessThanOrEqual(8 * 1024 * 1024);
      const [row] = await artifactRows(t.metadata);
      expect(row?.size).toBe(total * chunk.length);
      const download = await inject(t.app, { url: `${BASE}/${runPath('big.bin')}` });
      const expected = createHash('sha256');
      for (let i = 0; i < total; i++) expected.update(chunk);
      expect(sha256(download.rawPayload)).toBe(expected.digest('hex'));
    });

    it('refuses an oversized body, announced or streamed, and stores nothing', async () => {
      const t = await make({ artifactMaxBytes: 1024 * 1024 });
      const announced = await put(t, `${BASE}/${runPath('big.bin')}`, randomBytes(2 * 1024 * 1024));
      expect(expectError(announced, 413, 'PAYLOAD_TOO_LARGE').message).toMatch(
        /larger than the limit of 1048576 bytes/,
      );
      const streamed = await put(
        t,
        `${BASE}/${runPath('big.bin')}`,
        Readable.from([randomBytes(700_000), randomBytes(700_000)]),
      );
      expectError(streamed, 413, 'PAYLOAD_TOO_LARGE');
      expect(await artifactRows(t.metadata)).toEqual([]);
      expect(await listObjects(t.objects)).toEqual([]);
      expect(await stagedFiles(t.storeDir)).toEqual([]);
    });

    it('leaves no row and no partial object when the client goes away mid-upload', async () => {
      const t = await make();
      const payload = new Readable({ read() {} });
      payload.push(randomBytes(512 * 1024));
      setTimeout(() => payload.destroy(new Error('client went away')), 20);
      await put(t, `${BASE}/${runPath('cut.bin')}`, payload).catch(() => undefined);
      await eventually(async () => expect(await stagedFiles(t.storeDir)).toEqual([]));
      expect(await artifactRows(t.metadata)).toEqual([]);
      expect(await listObjects(t.objects)).toEqual([]);
    });
  });

  describe('listing', () => {
    const seed = async (t: ArtifactTestApp) => {
      for (const [path, body] of [
        ['model/MLmodel', 'm'],
        ['model/data/model.onnx', 'onnx'],
        ['metrics.json', '{}'],
        ['a%20b/%C3%BC%201.txt', 'ü'],
      ] as const) {
        expect((await put(t, `${BASE}/${runPath(path)}`, body)).statusCode).toBe(200);
      }
    };
    const list = (t: ArtifactTestApp, query: string) => inject(t.app, { url: `${BASE}?${query}` });

    it('lists names relative to the folder, folders without file_size', async () => {
      const t = await make();
      await seed(t);
      const top = await list(t, `path=0/${RUN}/artifacts`);
      expect(top.statusCode).toBe(200);
      expect(top.json()).toEqual({
        files: [
          { path: 'a b', is_dir: true },
          { path: 'metrics.json', is_dir: false, file_size: 2 },
          { path: 'model', is_dir: true },
        ],
      });
      expect((await list(t, `path=0/${RUN}/artifacts/model`)).json()).toEqual({
        files: [
          { path: 'MLmodel', is_dir: false, file_size: 1 },
          { path: 'data', is_dir: true },
        ],
      });
      expect((await list(t, `path=0/${RUN}/artifacts/a%20b`)).json()).toEqual({
        files: [{ path: 'ü 1.txt', is_dir: false, file_size: 2 }],
      });
      expect((await list(t, `path=0%2F${RUN}%2Fartifacts%2Fa+b/`)).json()).toEqual({
        files: [{ path: 'ü 1.txt', is_dir: false, file_size: 2 }],
      });
      expect((await list(t, '')).json()).toEqual({ files: [{ path: '0', is_dir: true }] });
      expect((await inject(t.app, { url: BASE })).json()).toEqual({ files: [{ path: '0', is_dir: true }] });
      expect((await list(t, 'path=nothing/here')).json()).toEqual({});
      expect((await list(t, `path=0/${RUN}/artifacts/metrics.json`)).json()).toEqual({});
    });

    it('refuses repeated or traversing path parameters', async () => {
      const t = await make();
      expectError(await list(t, 'path=a&path=b'), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await list(t, 'path=0/../..'), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await list(t, 'path=%252e%252e%252f'), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await list(t, 'path=/etc'), 400, 'INVALID_PARAMETER_VALUE');
    });
  });

  describe('delete', () => {
    it('deletes a file, then a folder with everything under it; deleting nothing is fine', async () => {
      const t = await make();
      for (const path of ['d/a.txt', 'd/sub/b.txt', 'd/sub/c.txt', 'keep.txt'])
        await put(t, `${BASE}/${runPath(path)}`, path);
      const one = await inject(t.app, { method: 'DELETE', url: `${BASE}/${runPath('d/a.txt')}` });
      expect(one.statusCode).toBe(200);
      expect(one.json()).toEqual({});
      expectError(await inject(t.app, { url: `${BASE}/${runPath('d/a.txt')}` }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expect(
        (await inject(t.app, { method: 'DELETE', url: `/ajax-api/2.0/mlflow-artifacts/artifacts/${runPath('d')}` }))
          .statusCode,
      ).toBe(200);
      expect((await artifactRows(t.metadata)).map((row) => row.path)).toEqual([runPath('keep.txt')]);
      expect((await inject(t.app, { method: 'DELETE', url: `${BASE}/${runPath('d')}` })).statusCode).toBe(200);
    });
  });

  describe('a symlink planted in the object folder', () => {
    it('is never followed to serve bytes from outside: the read fails as corrupt', async () => {
      const t = await make();
      await put(t, `${BASE}/${runPath('model.txt')}`, 'real model bytes');
      const hex = digestHex(`sha256:${sha256(Buffer.from('real model bytes'))}`);
      const objectPath = join(t.storeDir, 'objects', 'sha256', hex.slice(0, 2), hex.slice(2));
      await unlink(objectPath);
      await symlink(join(t.outsideDir, 'secret.txt'), objectPath);
      const before = await fingerprint(t.outsideDir);
      const response = await inject(t.app, { url: `${BASE}/${runPath('model.txt')}` });
      const body = expectError(response, 500, 'CORRUPT_OBJECT');
      expect(body.message).toBe(`Artifact ${runPath('model.txt')} is corrupt: its bytes do not match sha256:${hex}.`);
      expect(response.body).not.toContain(t.canary);
      expect(response.body).not.toContain(t.root);
      expect(await fingerprint(t.outsideDir)).toEqual(before);
    });
  });
});
