import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MAX_MISSING_DIGESTS, missingObjectsResponseSchema, OBJECTS_API_PATH } from '../../contract/objects-api.js';
import type { Digest } from '../../domain/digest.js';
import { corruptObject, notFound, SlipwayError } from '../../domain/errors.js';
import { type HashResult, hashThrough, ONE_MIB } from '../../lib/hash-pass-through.js';
import { mapConcurrent } from '../../lib/map-concurrent.js';
import { writeStreamToFile } from '../../lib/write-stream-to-file.js';
import { HttpBatches } from './http-batches.js';
import {
  bodyChunks,
  CORRUPT_HINT,
  digestLines,
  failedStream,
  readHead,
  SMALL_OBJECT_BYTES,
  verifiedBuffer,
} from './http-bodies.js';
import { type HttpStoreWhere, httpError, notASlipwayServer, parseEnvelope } from './http-store-errors.js';
import { discard, type HttpCall, HttpTransport, parseHttpStoreUri, readText } from './http-transport.js';
import { objectInfoOf, unexpectedDigest } from './object-digest.js';
import { uniqueDigests } from './object-layout.js';
import type {
  BatchReadResult,
  BatchWriteResult,
  ObjectBatches,
  ObjectBytes,
  ObjectInfo,
  ObjectStore,
  ObjectStoreFactory,
  PutOptions,
} from './types.js';
import { verifyObjectStream } from './verify-object-stream.js';

/** A request whose socket sees no bytes either way for this long is aborted (DEADLINE_EXCEEDED). */
export const HTTP_IDLE_TIMEOUT_MS = 60_000;
/** `POST …/missing` requests (each up to 10,000 digests) in flight at once. */
export const HTTP_MISSING_CONCURRENCY = 4;

export interface HttpStoreOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  /** How the user gives a token, for the hint of UNAUTHENTICATED errors. */
  readonly tokenHint?: string;
  readonly idleTimeoutMs?: number;
}

const DEFAULT_TOKEN_HINT = 'open the store through a remote (slipway remote add) and set SLIPWAY_REMOTE_<NAME>_TOKEN';
const JSON_HEADERS = { 'content-type': 'application/json' };
const OCTET_HEADERS = { 'content-type': 'application/octet-stream' };

/** `http(s)://host:port[/prefix]`: the object API of a Slipway server, without a token. */
export const createHttpObjectStore: ObjectStoreFactory = (uri) => openHttpObjectStore(uri);

/** Opens a Slipway server's object API, checking once that it answers (like HeadBucket for S3). */
export const openHttpObjectStore = async (uri: string, options: HttpStoreOptions = {}): Promise<ObjectStore> => {
  const store = new HttpObjectStore(uri, parseHttpStoreUri(uri), options);
  try {
    await store.probe();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
};

const mismatchOf = (result: HashResult, expected: Digest): SlipwayError | undefined => {
  const info = objectInfoOf(result);
  return info.digest === expected ? undefined : unexpectedDigest(info, expected);
};

class HttpObjectStore implements ObjectStore, ObjectBatches {
  readonly uri: string;
  readonly #api: string;
  readonly #where: HttpStoreWhere;
  readonly #http: HttpTransport;
  readonly #batches: HttpBatches;

  constructor(uri: string, base: string, options: HttpStoreOptions) {
    this.uri = uri;
    this.#api = `${base}${OBJECTS_API_PATH}`;
    this.#where = { url: base, tokenHint: options.tokenHint ?? DEFAULT_TOKEN_HINT };
    const headers: Record<string, string> =
      options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
    const idleTimeoutMs = options.idleTimeoutMs ?? HTTP_IDLE_TIMEOUT_MS;
    this.#http = new HttpTransport(base, { where: this.#where, headers, idleTimeoutMs });
    const failure = (response: IncomingMessage, what: string) => this.#failure(response, what);
    this.#batches = new HttpBatches({ store: this, http: this.#http, api: this.#api, where: this.#where, failure });
  }

  readMany(digests: readonly Digest[], maxObjectBytes: number): Promise<BatchReadResult[]> {
    return this.#batches.readMany(digests, maxObjectBytes);
  }

  writeMany(objects: readonly ObjectBytes[]): Promise<BatchWriteResult[]> {
    return this.#batches.writeMany(objects);
  }

  /** One empty `missing` request: answers whether this is a Slipway server and whether it lets us in. */
  async probe(): Promise<void> {
    const what = 'the object API check';
    const response = await this.#postMissing([], what);
    if (response.statusCode === 404 || response.statusCode === 405) {
      await discard(response);
      throw notASlipwayServer(this.#where, response.statusCode);
    }
    await this.#missingAnswer(response, [], what);
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async stat(digest: Digest): Promise<ObjectInfo | undefined> {
    const what = `HEAD ${digest}`;
    const response = await this.#http.send({ method: 'HEAD', url: this.#objectUrl(digest), what });
    if (response.statusCode === 404) {
      await discard(response);
      return undefined;
    }
    await this.#expectOk(response, what);
    return { digest, size: Number(response.headers['content-length'] ?? 0) };
  }

  async get(digest: Digest): Promise<Readable> {
    const location = this.#objectUrl(digest);
    const response = await this.#http.send({ method: 'GET', url: location, what: `GET ${digest}` });
    if (response.statusCode === 404) {
      await discard(response);
      throw notFound(`Object ${digest} is not on the Slipway server at ${this.#where.url}.`, {
        hint: 'Push it from a workspace that has it (slipway push), or check the digest.',
      });
    }
    if (response.statusCode !== 200) {
      const failure = await this.#failure(response, `GET ${digest}`);
      // A small object the server found corrupt before replying: fail the stream, as for a large one.
      if (failure.code === 'CORRUPT_OBJECT')
        return failedStream(new SlipwayError('CORRUPT_OBJECT', failure.message, { hint: CORRUPT_HINT }));
      throw failure;
    }
    const size = Number(response.headers['content-length'] ?? Number.POSITIVE_INFINITY);
    const source = Readable.from(bodyChunks(response, { digest, size, location }), { objectMode: false });
    if (size > SMALL_OBJECT_BYTES) return verifyObjectStream(source, digest, { location, hint: CORRUPT_HINT });
    const head = await readHead(source, size);
    if ('whole' in head) return verifiedBuffer(head.whole, digest, { location, hint: CORRUPT_HINT });
    head.rest.destroy();
    throw corruptObject(`Object ${digest} from ${location} is longer than its announced ${size} bytes.`, {
      hint: CORRUPT_HINT,
    });
  }

  async put(body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    const expected = options.expectedDigest;
    return expected === undefined ? this.#putUnknown(body) : this.#upload(body, expected);
  }

  async *list(): AsyncIterable<Digest> {
    const what = 'the object listing';
    const response = await this.#http.send({ method: 'GET', url: this.#api, what });
    if (response.statusCode !== 200) throw await this.#failure(response, what);
    yield* digestLines(response);
  }

  async delete(digest: Digest): Promise<void> {
    const what = `DELETE ${digest}`;
    await this.#expectOk(await this.#http.send({ method: 'DELETE', url: this.#objectUrl(digest), what }), what);
  }

  async missing(digests: readonly Digest[]): Promise<Digest[]> {
    const unique = uniqueDigests(digests);
    const batches: Digest[][] = [];
    for (let start = 0; start < unique.length; start += MAX_MISSING_DIGESTS) {
      batches.push(unique.slice(start, start + MAX_MISSING_DIGESTS));
    }
    const answers = await mapConcurrent(batches, HTTP_MISSING_CONCURRENCY, async (batch) => {
      const what = `the existence check of ${batch.length} objects`;
      return this.#missingAnswer(await this.#postMissing(batch, what), batch, what);
    });
    return answers.flat();
  }

  async close(): Promise<void> {
    this.#http.close();
  }

  #objectUrl(digest: Digest): string {
    return `${this.#api}/${digest}`;
  }

  #postMissing(digests: readonly Digest[], what: string): Promise<IncomingMessage> {
    const body = JSON.stringify({ digests });
    return this.#http.send({ method: 'POST', url: `${this.#api}/missing`, headers: JSON_HEADERS, body, what });
  }

  /** The digests the server says are missing; an answer that is not the API's is "not a Slipway server". */
  async #missingAnswer(response: IncomingMessage, asked: readonly Digest[], what: string): Promise<Digest[]> {
    if (response.statusCode !== 200) throw await this.#failure(response, what);
    const text = await readText(response);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw notASlipwayServer(this.#where, response.statusCode);
    }
    const answer = missingObjectsResponseSchema.safeParse(value);
    const known = new Set<string>(asked);
    if (!answer.success || !answer.data.missing.every((digest) => known.has(digest))) {
      throw notASlipwayServer(this.#where, response.statusCode);
    }
    return answer.data.missing as Digest[];
  }

  /**
   * Sends `body` to the server under `expected`, checking the digest on the way: a small object is read whole,
   * checked, and sent with its length; a larger one streams through a hasher whose mismatch aborts the upload.
   */
  async #upload(body: Readable, expected: Digest): Promise<ObjectInfo> {
    const head = await readHead(body);
    if ('whole' in head) {
      const info = objectInfoOf({
        hex: createHash('sha256').update(head.whole).digest('hex'),
        bytes: head.whole.byteLength,
      });
      if (info.digest !== expected) throw unexpectedDigest(info, expected);
      await this.#send(head.whole, expected);
      return info;
    }
    const hasher = hashThrough(head.rest, { check: (result) => mismatchOf(result, expected) });
    try {
      await this.#send(hasher, expected);
      return objectInfoOf(hasher.result());
    } finally {
      hasher.destroy();
    }
  }

  async #send(body: Buffer | Readable, expected: Digest): Promise<void> {
    const call: HttpCall = {
      method: 'PUT',
      url: this.#objectUrl(expected),
      headers: OCTET_HEADERS,
      body,
      what: `PUT ${expected}`,
    };
    const response = await this.#http.send(call);
    if (response.statusCode !== 200) throw await this.#uploadFailure(response, expected, call.what);
    await discard(response);
  }

  async #uploadFailure(response: IncomingMessage, expected: Digest, what: string): Promise<SlipwayError> {
    const failure = await this.#failure(response, what);
    if (response.statusCode !== 400 || failure.code !== 'INVALID_PARAMETER_VALUE') return failure;
    return corruptObject(`${failure.message} (the bytes sent for ${expected} did not arrive intact)`, {
      hint: 'Nothing was stored; push again.',
    });
  }

  /** A put without a known digest: spool to a temp file while hashing, then upload under the digest. */
  async #putUnknown(body: Readable): Promise<ObjectInfo> {
    const directory = await mkdtemp(join(tmpdir(), 'slipway-http-put-'));
    try {
      const file = join(directory, 'object');
      const hasher = hashThrough(body);
      await writeStreamToFile(hasher, file);
      const info = objectInfoOf(hasher.result());
      await this.#upload(createReadStream(file, { highWaterMark: ONE_MIB }), info.digest);
      return info;
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  async #expectOk(response: IncomingMessage, what: string): Promise<void> {
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw await this.#failure(response, what);
    await discard(response);
  }

  async #failure(response: IncomingMessage, what: string): Promise<SlipwayError> {
    const text = await readText(response, 64 * 1024).catch(() => '');
    return httpError(response.statusCode ?? 0, parseEnvelope(text), this.#where, what);
  }
}
