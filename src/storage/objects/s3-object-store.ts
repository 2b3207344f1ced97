import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type Digest, digestHex } from '../../domain/digest.js';
import { notFound } from '../../domain/errors.js';
import { type HashPassThrough, hashThrough } from '../../lib/hash-pass-through.js';
import { hashAndCheck, objectInfoOf, unexpectedDigest } from './object-digest.js';
import { digestFromParts, OBJECTS_DIR, objectRelativePath, TEMP_DIR, uniqueDigests } from './object-layout.js';
import { type Env, parseS3Uri, type S3StoreConfig } from './s3-config.js';
import { type CopyLimits, copyObject, DEFAULT_COPY_LIMITS } from './s3-copy.js';
import { noSuchBucket, s3Error, s3Status } from './s3-errors.js';
import { chooseMissingStrategy, type MissingStrategy, presentByHead, presentByListing } from './s3-missing.js';
import type { ObjectInfo, ObjectStore, ObjectStoreFactory, PutOptions } from './types.js';
import { verifyObjectStream } from './verify-object-stream.js';

const UPLOAD_QUEUE_SIZE = 4;

export interface S3Tuning {
  readonly copyLimits?: CopyLimits;
  /** Forces how missing() finds present objects; by default it picks the cheaper (see chooseMissingStrategy). */
  readonly missingStrategy?: MissingStrategy;
}

/** Opens `s3://bucket/prefix?…` with settings from `env` (see parseS3Uri); fails fast when the bucket is unusable. */
export const openS3ObjectStore = async (uri: string, env: Env, tuning: S3Tuning = {}): Promise<ObjectStore> => {
  const config = parseS3Uri(uri, env);
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    // Objects are verified end to end with sha256; the SDK's CRC trailers also break older S3-compatible servers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 10_000 },
  });
  await checkBucket(client, config).catch((error) => {
    client.destroy();
    throw error;
  });
  return new S3ObjectStore(uri, client, config, tuning);
};

/** The S3 adapter; credentials, endpoint and region come from the URI options and the standard AWS variables. */
export const createS3ObjectStore: ObjectStoreFactory = (uri) => openS3ObjectStore(uri, process.env);

const checkBucket = async (client: S3Client, config: S3StoreConfig): Promise<void> => {
  try {
    await client.send(new HeadBucketCommand({ Bucket: config.bucket }));
  } catch (error) {
    if (s3Status(error) === 404) throw noSuchBucket(config, config.bucket, 'NoSuchBucket');
    throw s3Error(error, config, `bucket ${config.bucket}`);
  }
};

/**
 * Objects live at `<prefix>objects/sha256/ab/cdef…`. A put whose digest is unknown until the stream ends is
 * uploaded to `<prefix>tmp/<uuid>`, then copied server-side to its final key and the temp key deleted; a put
 * with `expectedDigest` goes straight to the final key, because a (multipart) upload becomes visible only when
 * completed, and it is never completed when the hash does not match. Keys left in tmp/ by killed writers are
 * never listed; a bucket lifecycle rule on `<prefix>tmp/` removes them (see docs/objects.md).
 */
class S3ObjectStore implements ObjectStore {
  readonly uri: string;
  readonly #client: S3Client;
  readonly #config: S3StoreConfig;
  readonly #tuning: S3Tuning;

  constructor(uri: string, client: S3Client, config: S3StoreConfig, tuning: S3Tuning) {
    this.uri = uri;
    this.#client = client;
    this.#config = config;
    this.#tuning = tuning;
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async stat(digest: Digest): Promise<ObjectInfo | undefined> {
    const key = this.#key(digest);
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.#config.bucket, Key: key }));
      return { digest, size: head.ContentLength ?? 0 };
    } catch (error) {
      if (s3Status(error) === 404) return undefined;
      throw this.#error(error, key);
    }
  }

  async get(digest: Digest): Promise<Readable> {
    const key = this.#key(digest);
    try {
      const object = await this.#client.send(new GetObjectCommand({ Bucket: this.#config.bucket, Key: key }));
      const hint = `Delete ${this.#url(key)} and push the object again from a good copy.`;
      return verifyObjectStream(object.Body as Readable, digest, { location: this.#url(key), hint });
    } catch (error) {
      if (!isMissingKey(error)) throw this.#error(error, key);
      throw notFound(`Object ${digest} is not in the object store ${this.uri}.`, {
        hint: 'Push it from a store or workspace that has it, or check that the digest is right.',
      });
    }
  }

  async put(body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    const expected = options.expectedDigest;
    return expected === undefined ? this.#putUnknown(body) : this.#putExpected(body, expected);
  }

  async *list(): AsyncIterable<Digest> {
    const base = `${this.#config.prefix}${OBJECTS_DIR}/`;
    const pages = paginateListObjectsV2({ client: this.#client }, { Bucket: this.#config.bucket, Prefix: base });
    try {
      for await (const page of pages) yield* digestsOf(page.Contents ?? [], base);
    } catch (error) {
      throw this.#error(error, this.#url(base));
    }
  }

  async delete(digest: Digest): Promise<void> {
    const key = this.#key(digest);
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#config.bucket, Key: key })).catch((error) => {
      throw this.#error(error, key);
    });
  }

  async missing(digests: readonly Digest[]): Promise<Digest[]> {
    const unique = uniqueDigests(digests);
    const listing = { client: this.#client, config: this.#config };
    const strategy =
      this.#tuning.missingStrategy ??
      (await chooseMissingStrategy(listing, unique).catch((): MissingStrategy => 'head'));
    const present =
      strategy === 'list'
        ? await presentByListing(this.list(), new Set(unique))
        : await presentByHead((digest) => this.has(digest), unique);
    return unique.filter((digest) => !present.has(digest));
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  async #putExpected(body: Readable, expected: Digest): Promise<ObjectInfo> {
    if (await this.has(expected)) return hashAndCheck(body, expected);
    const check = (result: { hex: string; bytes: number }) =>
      result.hex === digestHex(expected) ? undefined : unexpectedDigest(objectInfoOf(result), expected);
    const hasher = hashThrough(body, { check });
    await this.#upload(hasher, this.#key(expected));
    return objectInfoOf(hasher.result());
  }

  async #putUnknown(body: Readable): Promise<ObjectInfo> {
    const temp = `${this.#config.prefix}${TEMP_DIR}/${randomUUID()}`;
    try {
      const hasher = hashThrough(body);
      await this.#upload(hasher, temp);
      const info = objectInfoOf(hasher.result());
      await this.#publish(temp, info);
      return info;
    } finally {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#config.bucket, Key: temp })).catch(() => {});
    }
  }

  /** Streams to `key` in parts; an error of the source (or of the digest check) is rethrown as is. */
  async #upload(hasher: HashPassThrough, key: string): Promise<void> {
    const params = { Bucket: this.#config.bucket, Key: key, Body: hasher };
    const upload = new Upload({
      client: this.#client,
      params,
      partSize: this.#config.partSize,
      queueSize: UPLOAD_QUEUE_SIZE,
    });
    try {
      await upload.done();
    } catch (error) {
      throw hasher.errored ?? this.#error(error, key);
    } finally {
      hasher.destroy();
    }
  }

  async #publish(temp: string, info: ObjectInfo): Promise<void> {
    const existing = await this.stat(info.digest);
    if (existing?.size === info.size) return;
    const request = { bucket: this.#config.bucket, from: temp, to: this.#key(info.digest), size: info.size };
    await copyObject(this.#client, request, this.#tuning.copyLimits ?? DEFAULT_COPY_LIMITS).catch((error) => {
      throw this.#error(error, request.to);
    });
  }

  #key(digest: Digest): string {
    return `${this.#config.prefix}${objectRelativePath(digest)}`;
  }

  #url(key: string): string {
    return `s3://${this.#config.bucket}/${key}`;
  }

  #error(error: unknown, key: string) {
    return s3Error(error, this.#config, this.#url(key));
  }
}

const isMissingKey = (error: unknown): boolean => {
  const name = (error as Error | undefined)?.name;
  return name === 'NoSuchKey' || (s3Status(error) === 404 && name !== 'NoSuchBucket');
};

function* digestsOf(contents: readonly { readonly Key?: string }[], base: string): Generator<Digest> {
  for (const { Key } of contents) {
    const [fanOut = '', name = '', ...rest] = (Key ?? '').slice(base.length).split('/');
    const digest = rest.length === 0 ? digestFromParts(fanOut, name) : undefined;
    if (digest !== undefined) yield digest;
  }
}
