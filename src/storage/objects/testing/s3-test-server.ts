import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { S3StoreConfig } from '../s3-config.js';

/** s3rver accepts V4 signatures from this key id (it does not check the signature itself). */
export const S3RVER_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };

export interface S3TestServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts a real S3 HTTP endpoint (s3rver) on a random port over a temp folder, with `buckets` created. */
export const startS3TestServer = async (buckets: readonly string[]): Promise<S3TestServer> => {
  const directory = await mkdtemp(join(tmpdir(), 'slipway-s3rver-'));
  const configureBuckets = buckets.map((name) => ({ name }));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
};

/** A port nothing listens on. */
export const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 1;
};

/** A bare SDK client on the same bucket, to tamper with or inspect keys behind the store's back. */
export const rawS3Client = (config: S3StoreConfig): S3Client =>
  new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

export const rawKeys = async (client: S3Client, bucket: string, prefix: string): Promise<string[]> => {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((item) => item.Key ?? '').sort();
};

/** Rewrites a key with one byte flipped. */
export const corruptKey = async (client: S3Client, bucket: string, key: string): Promise<void> => {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
};
