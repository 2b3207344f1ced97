import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { invalidParameter, SlipwayError } from '../../domain/errors.js';
import { type HttpStoreWhere, timedOut, unreachable } from './http-store-errors.js';

/** Sockets kept per store; the callers (push, pull) bound their own concurrency below this. */
const MAX_SOCKETS = 64;

/** `http(s)://host[:port][/prefix]` → the base URL, refusing credentials, queries and fragments. */
export const parseHttpStoreUri = (uri: string): string => {
  const url = URL.canParse(uri) ? new URL(uri) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalidParameter(`'${uri}' is not an http(s) URL.`, {
      hint: 'Use the base URL of a Slipway server, such as http://127.0.0.1:5000 or https://slipway.example.com/prefix.',
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidParameter(
      `The URL of a Slipway server may not contain credentials (${url.protocol}//…@${url.host}).`,
      {
        hint: 'Remove them from the URL; give a token with SLIPWAY_REMOTE_<NAME>_TOKEN or in ~/.slipway/config.yaml.',
      },
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw invalidParameter(`The URL of a Slipway server may not have a query or a fragment: '${uri}'.`, {
      hint: 'Use only scheme, host, port and an optional path prefix.',
    });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
};

export interface HttpCall {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string or buffer is sent with a Content-Length; a stream is sent chunked, and its failure aborts the request. */
  readonly body?: string | Buffer | Readable;
  /** What the request does, for messages: `GET sha256:…`. */
  readonly what: string;
}

export interface HttpTransportOptions {
  readonly where: HttpStoreWhere;
  /** Headers sent with every request (authorization). */
  readonly headers: Readonly<Record<string, string>>;
  /** A request whose socket sees no bytes either way for this long is aborted. */
  readonly idleTimeoutMs: number;
}

/**
 * HTTP/1.1 requests over keep-alive sockets (node:http rather than fetch: several times the request rate for
 * many small objects, and an upload whose source fails is aborted on the spot). Resolves with the response once
 * its headers arrive; the caller reads or discards the body.
 */
export class HttpTransport {
  readonly #options: HttpTransportOptions;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;

  constructor(base: string, options: HttpTransportOptions) {
    const secure = base.startsWith('https:');
    this.#options = options;
    // noDelay: small objects are a few writes each; Nagle's algorithm would hold them for the peer's delayed ACK.
    this.#agent = new (secure ? HttpsAgent : HttpAgent)({ keepAlive: true, maxSockets: MAX_SOCKETS, noDelay: true });
    this.#request = secure ? httpsRequest : httpRequest;
  }

  /**
   * Sends one request. A request without a streamed body that fails on a reused keep-alive socket the server had
   * just closed (ECONNRESET before any answer) is sent once more on a new one: every call of the object API is
   * idempotent.
   */
  async send(call: HttpCall): Promise<IncomingMessage> {
    try {
      return await this.#sendOnce(call);
    } catch (error) {
      const retriable = !(error instanceof SlipwayError) && (error as { reused?: boolean }).reused === true;
      if (!retriable || !isResendable(call)) throw this.#mapped(error, call);
      return this.#sendOnce(call).catch((again: unknown) => {
        throw this.#mapped(again, call);
      });
    }
  }

  /** Our own errors (a timeout) and the upload source's pass through; socket errors mean "unreachable". */
  #mapped(error: unknown, call: HttpCall): unknown {
    if (error instanceof SourceFailure) return error.error;
    if (error instanceof SlipwayError) return error;
    return unreachable(error, this.#options.where, call.what);
  }

  #sendOnce(call: HttpCall): Promise<IncomingMessage> {
    const { where, idleTimeoutMs } = this.#options;
    const headers = { ...this.#options.headers, ...call.headers };
    return new Promise((resolve, reject) => {
      let sourceError: unknown;
      const request = this.#request(call.url, { method: call.method, headers, agent: this.#agent });
      request.setTimeout(idleTimeoutMs, () => request.destroy(timedOut(where, call.what, idleTimeoutMs)));
      request.on('response', resolve);
      request.on('error', (error) => {
        // The upload's own source failed (or was refused by its hash check), we timed out, or the socket did.
        if (sourceError !== undefined) reject(new SourceFailure(sourceError));
        else if (error instanceof SlipwayError) reject(error);
        else reject(Object.assign(error, { reused: request.reusedSocket && isReset(error) }));
      });
      const body = call.body;
      if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
        request.end(body);
        return;
      }
      body.once('error', (error) => {
        sourceError ??= error;
      });
      pipeline(body, request, () => {});
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** The failure of an upload's own source, passed through unchanged to the caller. */
class SourceFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

const isReset = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
};

const isResendable = (call: HttpCall): boolean =>
  call.body === undefined || typeof call.body === 'string' || Buffer.isBuffer(call.body);

/** Reads a small response body (JSON answers, error envelopes) as text, at most `limit` bytes. */
export const readText = async (response: IncomingMessage, limit = 4 * 1024 * 1024): Promise<string> => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of response) {
    bytes += (chunk as Buffer).byteLength;
    if (bytes > limit) {
      response.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/** Drains a body we do not need, so its socket can serve the next request. */
export const discard = async (response: IncomingMessage): Promise<void> => {
  response.resume();
  if (!response.complete) await new Promise((resolve) => response.once('close', resolve));
};
