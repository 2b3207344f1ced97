import { randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../../domain/digest.js';
import { objectRelativePath } from './object-layout.js';
import { describeObjectStore } from './object-store.contract.js';
import { type Env, parseS3Uri } from './s3-config.js';
import { s3Error } from './s3-errors.js';
import { chooseMissingStrategy } from './s3-missing.js';
import { openS3ObjectStore } from './s3-object-store.js';
import {
  closedPort,
  corruptKey,
  rawKeys,
  rawS3Client,
  S3RVER_ENV,
  type S3TestServer,
  startS3TestServer,
} from './testing/s3-test-server.js';
import { chunkedStream, failingStream, MIB, patternBytes, readAll, sha256Of } from './testing/test-bytes.js';

const BUCKET = 'slipway-test';

/** Opens a store on a fresh prefix of `baseUri`, with a raw client on the side to corrupt its objects. */
const s3Fixture = (baseUri: () => string, env: Env) => async () => {
  const url = new URL(baseUri());
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/run-${randomUUID()}`;
  const store = await openS3ObjectStore(url.href, env);
  const config = parseS3Uri(url.href, env);
  const raw = rawS3Client(config);
  return {
    store,
    corrupt: (digest: Digest) => corruptKey(raw, config.bucket, `${config.prefix}${objectRelativePath(digest)}`),
    cleanup: async () => {
      raw.destroy();
      await store.close();
    },
  };
};

let server: S3TestServer;
beforeAll(async () => {
  server = await startS3TestServer([BUCKET]);
});
afterAll(async () => server?.close());

const s3rverUri = () => `s3://${BUCKET}/contract?endpoint=${server.endpoint}&part_size_mib=5`;
describeObjectStore('s3 (s3rver)', s3Fixture(s3rverUri, S3RVER_ENV));

const envUri = process.env.SLIPWAY_TEST_S3_URL;
if (envUri === undefined) {
  console.warn(
    '\n*** SKIPPED: ObjectStore contract against an external S3 endpoint. Set SLIPWAY_TEST_S3_URL=s3://bucket/prefix' +
      ' (plus AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION) to run it against MinIO or S3. ***\n',
  );
  describe.skip('ObjectStore contract: s3 (SLIPWAY_TEST_S3_URL not set)', () => {
    it('runs against the endpoint in SLIPWAY_TEST_S3_URL', () => {});
  });
} else {
  describeObjectStore(
    `s3 (${envUri})`,
    s3Fixture(() => envUri, process.env),
  );
  describe('s3 multipart copy (external endpoint)', () => {
    it('publishes objects above the single-copy limit with UploadPartCopy', async () => {
      const uri = `${envUri.replace(/\/+$/, '')}/copy-${randomUUID()}`;
      const copyLimits = { singleCopyMax: 5 * MIB, partSize: 5 * MIB };
      const store = await openS3ObjectStore(uri, process.env, { copyLimits });
      const bytes = patternBytes(12 * MIB + 5, 21);
      const info = await store.put(chunkedStream(bytes));
      expect((await readAll(await store.get(info.digest))).equals(bytes)).toBe(true);
      await store.delete(info.digest);
      await store.close();
    });
  });
}

describe('s3 object store (s3rver)', () => {
  const uriFor = (prefix: string) => `s3://${BUCKET}/${prefix}?endpoint=${server.endpoint}&part_size_mib=5`;

  it('leaves only object keys behind: temp keys are removed, multipart puts with an expected digest go direct', async () => {
    const prefix = `keys-${randomUUID()}`;
    const store = await openS3ObjectStore(uriFor(prefix), S3RVER_ENV);
    const small = patternBytes(1000, 1);
    const large = patternBytes(11 * MIB, 2);
    await store.put(chunkedStream(small));
    await store.put(chunkedStream(large), { expectedDigest: sha256Of(large) });
    await expect(store.put(failingStream(7 * MIB, new Error('cut')))).rejects.toThrow('cut');
    const raw = rawS3Client(parseS3Uri(uriFor(prefix), S3RVER_ENV));
    const expected = [small, large].map((bytes) => `${prefix}/${objectRelativePath(sha256Of(bytes))}`).sort();
    expect(await rawKeys(raw, BUCKET, `${prefix}/`)).toEqual(expected);
    raw.destroy();
    await store.close();
  });

  it('finds the same missing digests by HEAD and by listing, and picks listing for many digests on a small store', async () => {
    const uri = uriFor(`missing-${randomUUID()}`);
    const stored = await openS3ObjectStore(uri, S3RVER_ENV);
    const present = await Promise.all([1, 2, 3].map((seed) => stored.put(chunkedStream(patternBytes(100, seed)))));
    const absent = Array.from({ length: 300 }, (_, index) => sha256Of(patternBytes(8, 100 + index)));
    const query = [...absent.slice(0, 150), ...present.map((info) => info.digest), ...absent.slice(150)];
    for (const missingStrategy of ['head', 'list'] as const) {
      const store = await openS3ObjectStore(uri, S3RVER_ENV, { missingStrategy });
      expect(await store.missing(query)).toEqual(absent);
      await store.close();
    }
    const listing = { client: rawS3Client(parseS3Uri(uri, S3RVER_ENV)), config: parseS3Uri(uri, S3RVER_ENV) };
    expect(await chooseMissingStrategy(listing, query)).toBe('list');
    expect(await chooseMissingStrategy(listing, query.slice(0, 10))).toBe('head');
    listing.client.destroy();
    await stored.close();
  });

  it('names the object key of a corrupt object', async () => {
    const prefix = `corrupt-${randomUUID()}`;
    const store = await openS3ObjectStore(uriFor(prefix), S3RVER_ENV);
    const { digest } = await store.put(chunkedStream(patternBytes(2000)));
    const raw = rawS3Client(parseS3Uri(uriFor(prefix), S3RVER_ENV));
    const key = `${prefix}/${objectRelativePath(digest)}`;
    await corruptKey(raw, BUCKET, key);
    await expect(readAll(await store.get(digest))).rejects.toMatchObject({
      code: 'CORRUPT_OBJECT',
      message: expect.stringContaining(`s3://${BUCKET}/${key}`),
    });
    raw.destroy();
    await store.close();
  });

  it('reports a missing bucket as RESOURCE_DOES_NOT_EXIST naming it', async () => {
    const uri = `s3://no-such-bucket/x?endpoint=${server.endpoint}`;
    await expect(openS3ObjectStore(uri, S3RVER_ENV)).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringContaining("'no-such-bucket'"),
      hint: expect.stringContaining('s3://no-such-bucket'),
    });
  });

  it('reports unknown credentials as PERMISSION_DENIED naming the bucket and the variables to check', async () => {
    const env = { ...S3RVER_ENV, AWS_ACCESS_KEY_ID: 'NOT-A-KEY' };
    await expect(openS3ObjectStore(uriFor('creds'), env)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringContaining(BUCKET),
      hint: expect.stringContaining('AWS_ACCESS_KEY_ID'),
    });
  });

  it('maps a GET with an unknown access key, as a real server answers it, to UNAUTHENTICATED', async () => {
    const config = parseS3Uri(uriFor('creds'), { ...S3RVER_ENV, AWS_ACCESS_KEY_ID: 'NOT-A-KEY' });
    const raw = rawS3Client(config);
    const error = await raw.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'creds/x' })).catch((e: unknown) => e);
    raw.destroy();
    expect(s3Error(error, config, `s3://${BUCKET}/creds/x`)).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: `S3 did not accept the credentials for s3://${BUCKET}/creds/x (InvalidAccessKeyId).`,
      hint: expect.stringContaining('AWS_SECRET_ACCESS_KEY'),
    });
  });

  it('reports an unreachable endpoint as TEMPORARILY_UNAVAILABLE naming it', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    await expect(openS3ObjectStore(`s3://${BUCKET}/x?endpoint=${endpoint}`, S3RVER_ENV)).rejects.toMatchObject({
      code: 'TEMPORARILY_UNAVAILABLE',
      message: expect.stringContaining(endpoint),
      hint: expect.stringContaining('AWS_ENDPOINT_URL'),
    });
  });
});
