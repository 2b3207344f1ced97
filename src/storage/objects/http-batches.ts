import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { errorCodeSchema } from '../../contract/error-codes.js';
import {
  batchWriteResponseSchema,
  MAX_BATCH_BYTES,
  MAX_BATCH_OBJECT_BYTES,
  MAX_BATCH_OBJECTS,
} from '../../contract/objects-api.js';
import { type Digest, digestHex } from '../../domain/digest.js';
import { corruptObject, notFound, SlipwayError } from '../../domain/errors.js';
import { CORRUPT_HINT } from './http-bodies.js';
import { type HttpStoreWhere, notASlipwayServer } from './http-store-errors.js';
import { discard, type HttpTransport, readText } from './http-transport.js';
import { readEach, writeEach } from './object-batches.js';
import { unexpectedDigest } from './object-digest.js';
import {
  OBJECT_PACK_TYPE,
  PACK_HEADER_BYTES,
  PACK_STATUS,
  type PackFrame,
  packFrame,
  readPack,
} from './object-pack.js';
import type { BatchReadResult, BatchWriteResult, ObjectBatches, ObjectBytes, ObjectStore } from './types.js';

export interface HttpBatchContext {
  readonly store: ObjectStore;
  readonly http: HttpTransport;
  /** `<base>/api/v1/objects`. */
  readonly api: string;
  readonly where: HttpStoreWhere;
  /** The error of a non-2xx answer. */
  readonly failure: (response: IncomingMessage, what: string) => Promise<SlipwayError>;
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const ALL_STATUSES = new Set<number>(Object.values(PACK_STATUS));

/**
 * The batch endpoints of a Slipway server's object API (`POST …/batch/read` and `…/batch/write`, object packs).
 * A server without them (404/405: an older release) is remembered, and objects then move one request each.
 * Every object that arrives is hashed here again; every object sent is checked here first and by the server.
 */
export class HttpBatches implements ObjectBatches {
  readonly #context: HttpBatchContext;
  #unsupported = false;

  constructor(context: HttpBatchContext) {
    this.#context = context;
  }

  async readMany(digests: readonly Digest[], maxObjectBytes: number): Promise<BatchReadResult[]> {
    const max = Math.min(maxObjectBytes, MAX_BATCH_OBJECT_BYTES);
    const results: BatchReadResult[] = [];
    for (let start = 0; start < digests.length; start += MAX_BATCH_OBJECTS) {
      const chunk = digests.slice(start, start + MAX_BATCH_OBJECTS);
      const read = this.#unsupported ? undefined : await this.#readChunk(chunk, max);
      results.push(...(read ?? (await readEach(this.#context.store, chunk, max))));
    }
    return results;
  }

  /** Objects over MAX_BATCH_OBJECT_BYTES go with a PUT each; results keep the input order. */
  async writeMany(objects: readonly ObjectBytes[]): Promise<BatchWriteResult[]> {
    const fits = (object: ObjectBytes) => object.bytes.byteLength <= MAX_BATCH_OBJECT_BYTES;
    const written = new Map<ObjectBytes, BatchWriteResult>();
    for (const chunk of writeChunks(objects.filter(fits))) {
      const answers = (this.#unsupported ? undefined : await this.#writeChunk(chunk)) ?? (await this.#each(chunk));
      chunk.forEach((object, index) => {
        written.set(object, answers[index] as BatchWriteResult);
      });
    }
    const large = objects.filter((object) => !fits(object));
    (await this.#each(large)).forEach((answer, index) => {
      written.set(large[index] as ObjectBytes, answer);
    });
    return objects.map((object) => written.get(object) as BatchWriteResult);
  }

  #each(objects: readonly ObjectBytes[]): Promise<BatchWriteResult[]> {
    return objects.length === 0 ? Promise.resolve([]) : writeEach(this.#context.store, objects);
  }

  /** One batch read; undefined when the server has no batch endpoint. */
  async #readChunk(digests: readonly Digest[], max: number): Promise<BatchReadResult[] | undefined> {
    const what = `the batch read of ${digests.length} objects`;
    const body = JSON.stringify({ digests, max_object_bytes: max });
    const url = `${this.#context.api}/batch/read`;
    const headers = { 'content-type': 'application/json' };
    const response = await this.#context.http.send({ method: 'POST', url, headers, body, what });
    if (await this.#noEndpoint(response)) return undefined;
    if (response.statusCode !== 200) throw await this.#context.failure(response, what);
    const limits = {
      maxFrames: digests.length,
      maxObjectBytes: max,
      maxTotalBytes: digests.length * (max + PACK_HEADER_BYTES),
      statuses: ALL_STATUSES,
    };
    const results: BatchReadResult[] = [];
    try {
      for await (const frame of readPack(response, limits)) results.push(this.#arrived(frame, digests[results.length]));
    } catch (error) {
      throw this.#cutOff(error, what);
    }
    if (results.length !== digests.length) throw this.#cutOff(undefined, what);
    return results;
  }

  #arrived(frame: PackFrame, asked: Digest | undefined): BatchReadResult {
    const { digest } = frame;
    if (digest !== asked) throw notASlipwayServer(this.#context.where, 200);
    const location = `${this.#context.api}/${digest}`;
    switch (frame.status) {
      case PACK_STATUS.absent:
        return {
          digest,
          error: notFound(`Object ${digest} is not on the Slipway server at ${this.#context.where.url}.`),
        };
      case PACK_STATUS.large:
        return { digest, large: true };
      case PACK_STATUS.corrupt:
        return {
          digest,
          error: corruptObject(`The server’s copy of object ${digest} is corrupt.`, { hint: CORRUPT_HINT }),
        };
      default: {
        const actual = sha256Hex(frame.bytes);
        if (actual === digestHex(digest)) return { digest, bytes: frame.bytes };
        const message = `Object ${digest} from ${location} is corrupt: its ${frame.bytes.byteLength} bytes hash to sha256:${actual}.`;
        return { digest, error: corruptObject(message, { hint: CORRUPT_HINT }) };
      }
    }
  }

  #cutOff(error: unknown, what: string): unknown {
    if (error instanceof SlipwayError && error.code !== 'INVALID_PARAMETER_VALUE') return error;
    return new SlipwayError(
      'TEMPORARILY_UNAVAILABLE',
      `The answer to ${what} from ${this.#context.where.url} was cut off or malformed.`,
      {
        cause: error,
        hint: 'Try again; the objects that arrived whole were kept. If it persists, the server log has the details.',
      },
    );
  }

  /** One batch write; undefined when the server has no batch endpoint. Mismatching objects are never sent. */
  async #writeChunk(objects: readonly ObjectBytes[]): Promise<BatchWriteResult[] | undefined> {
    const checked = objects.map(({ digest, bytes }): BatchWriteResult | undefined => {
      const actual = sha256Hex(bytes);
      if (actual === digestHex(digest)) return undefined;
      return { digest, error: unexpectedDigest({ digest: `sha256:${actual}`, size: bytes.byteLength }, digest) };
    });
    const sending = objects.filter((_, index) => checked[index] === undefined);
    const answers = sending.length === 0 ? [] : await this.#post(sending);
    if (answers === undefined) return undefined;
    let next = 0;
    return checked.map((result) => result ?? (answers[next++] as BatchWriteResult));
  }

  async #post(objects: readonly ObjectBytes[]): Promise<BatchWriteResult[] | undefined> {
    const what = `the batch upload of ${objects.length} objects`;
    const body = Buffer.concat(objects.flatMap(({ digest, bytes }) => packFrame(PACK_STATUS.object, digest, bytes)));
    const url = `${this.#context.api}/batch/write`;
    const headers = { 'content-type': OBJECT_PACK_TYPE };
    const response = await this.#context.http.send({ method: 'POST', url, headers, body, what });
    if (await this.#noEndpoint(response)) return undefined;
    if (response.statusCode !== 200) throw await this.#context.failure(response, what);
    const answer = batchWriteResponseSchema.safeParse(parseJson(await readText(response)));
    if (!answer.success || answer.data.results.length !== objects.length)
      throw notASlipwayServer(this.#context.where, 200);
    return answer.data.results.map((result, index) => this.#written(result, objects[index] as ObjectBytes));
  }

  #written(result: { digest: string; size?: number; error_code?: string; message?: string }, sent: ObjectBytes) {
    if (result.digest !== sent.digest) throw notASlipwayServer(this.#context.where, 200);
    if (result.error_code === undefined) return { digest: sent.digest, size: sent.bytes.byteLength };
    const code = errorCodeSchema.safeParse(result.error_code);
    const message = `The server did not store ${sent.digest}: ${result.message ?? result.error_code}`;
    return { digest: sent.digest, error: new SlipwayError(code.success ? code.data : 'INTERNAL_ERROR', message) };
  }

  async #noEndpoint(response: IncomingMessage): Promise<boolean> {
    if (response.statusCode !== 404 && response.statusCode !== 405) return false;
    await discard(response);
    this.#unsupported = true;
    return true;
  }
}

/** Objects in requests of at most MAX_BATCH_OBJECTS objects and MAX_BATCH_BYTES bytes. */
function* writeChunks(objects: readonly ObjectBytes[]): Generator<ObjectBytes[]> {
  let chunk: ObjectBytes[] = [];
  let bytes = 0;
  for (const object of objects) {
    const size = object.bytes.byteLength + PACK_HEADER_BYTES;
    if (chunk.length > 0 && (chunk.length >= MAX_BATCH_OBJECTS || bytes + size > MAX_BATCH_BYTES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(object);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
