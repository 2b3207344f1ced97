import { type Digest, digestHex } from '../../domain/digest.js';
import { invalidParameter, type SlipwayError } from '../../domain/errors.js';

/**
 * The object pack (`application/vnd.slipway.object-pack`, docs/remotes.md): many whole objects in one HTTP body,
 * for the batch endpoints of the object API. A sequence of frames, each a 37-byte header then `length` bytes:
 *
 *   status (1 byte) | sha256 digest (32 bytes, raw) | length (4 bytes, big-endian) | bytes (length)
 *
 * Status 0: the object's bytes follow. In answers only: 1 absent, 2 over the size limit asked for (read it alone),
 * 3 corrupt in the server's store; these carry no bytes (length 0). Uploads contain status-0 frames only.
 */
export const OBJECT_PACK_TYPE = 'application/vnd.slipway.object-pack';

export const PACK_HEADER_BYTES = 37;

export const PACK_STATUS = { object: 0, absent: 1, large: 2, corrupt: 3 } as const;

export type PackStatus = (typeof PACK_STATUS)[keyof typeof PACK_STATUS];

export interface PackFrame {
  readonly status: PackStatus;
  readonly digest: Digest;
  /** Empty unless status is 0. */
  readonly bytes: Buffer;
}

/** One frame's header (and its bytes, for an object). */
export function packFrame(status: PackStatus, digest: Digest, bytes?: Uint8Array): Buffer[] {
  const header = Buffer.allocUnsafe(PACK_HEADER_BYTES);
  header.writeUInt8(status, 0);
  header.write(digestHex(digest), 1, 32, 'hex');
  header.writeUInt32BE(bytes?.byteLength ?? 0, 33);
  return bytes === undefined || bytes.byteLength === 0 ? [header] : [header, Buffer.from(bytes)];
}

export type PackProblem = 'limit' | 'format';

export interface PackLimits {
  /** Frames at most. */
  readonly maxFrames: number;
  /** Bytes of one object at most. */
  readonly maxObjectBytes: number;
  /** Bytes of the whole body at most, headers included. */
  readonly maxTotalBytes: number;
  /** Which statuses may appear (uploads: objects only). */
  readonly statuses: ReadonlySet<number>;
  /** Builds the error for a body that breaks a limit (`limit`) or the format (`format`). */
  readonly refuse?: (problem: string, kind: PackProblem) => SlipwayError;
}

const defaultRefusal = (problem: string) =>
  invalidParameter(`The object pack is malformed: ${problem}.`, {
    hint: 'Send frames of status (1 byte), raw sha256 (32 bytes), length (4 bytes, big-endian) and the bytes.',
  });

/**
 * Reads the frames of a pack as they arrive, holding at most one object (plus one network chunk) in memory, and
 * refusing, before buffering it, a frame or body over the limits. A body that ends mid-frame is refused too.
 */
export async function* readPack(source: AsyncIterable<Uint8Array>, limits: PackLimits): AsyncGenerator<PackFrame> {
  const refuse = limits.refuse ?? defaultRefusal;
  const reader = new FrameReader(limits, refuse);
  for await (const chunk of source) {
    for (const frame of reader.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) yield frame;
  }
  reader.end();
}

class FrameReader {
  readonly #limits: PackLimits;
  readonly #refuse: (problem: string, kind: PackProblem) => SlipwayError;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #total = 0;
  #frames = 0;

  constructor(limits: PackLimits, refuse: (problem: string, kind: PackProblem) => SlipwayError) {
    this.#limits = limits;
    this.#refuse = refuse;
  }

  *push(chunk: Buffer): Generator<PackFrame> {
    this.#total += chunk.byteLength;
    if (this.#total > this.#limits.maxTotalBytes)
      throw this.#refuse(`it is over ${this.#limits.maxTotalBytes} bytes`, 'limit');
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.byteLength;
    for (let frame = this.#next(); frame !== undefined; frame = this.#next()) yield frame;
  }

  end(): void {
    if (this.#pendingBytes > 0) throw this.#refuse('it ends in the middle of a frame', 'format');
  }

  #next(): PackFrame | undefined {
    if (this.#pendingBytes < PACK_HEADER_BYTES) return undefined;
    const head = this.#peek(PACK_HEADER_BYTES);
    const status = head.readUInt8(0);
    const length = head.readUInt32BE(33);
    this.#check(status, length);
    if (this.#pendingBytes < PACK_HEADER_BYTES + length) return undefined;
    const all = this.#take(PACK_HEADER_BYTES + length);
    this.#frames += 1;
    const digest = `sha256:${all.toString('hex', 1, 33)}` as Digest;
    return { status: status as PackStatus, digest, bytes: all.subarray(PACK_HEADER_BYTES) };
  }

  #check(status: number, length: number): void {
    if (!this.#limits.statuses.has(status))
      throw this.#refuse(`frame ${this.#frames + 1} has status ${status}`, 'format');
    if (status !== PACK_STATUS.object && length !== 0)
      throw this.#refuse(`frame ${this.#frames + 1} has bytes but status ${status}`, 'format');
    if (length > this.#limits.maxObjectBytes)
      throw this.#refuse(`frame ${this.#frames + 1} is over ${this.#limits.maxObjectBytes} bytes`, 'limit');
    if (this.#frames >= this.#limits.maxFrames)
      throw this.#refuse(`it has over ${this.#limits.maxFrames} frames`, 'limit');
  }

  #peek(bytes: number): Buffer {
    const first = this.#pending[0] as Buffer;
    if (first.byteLength >= bytes) return first;
    this.#pending = [Buffer.concat(this.#pending, this.#pendingBytes)];
    return this.#pending[0] as Buffer;
  }

  #take(bytes: number): Buffer {
    const joined = this.#peek(bytes);
    const rest = joined.subarray(bytes);
    this.#pending = rest.byteLength > 0 ? [rest, ...this.#pending.slice(1)] : this.#pending.slice(1);
    this.#pendingBytes -= bytes;
    return joined.subarray(0, bytes);
  }
}
