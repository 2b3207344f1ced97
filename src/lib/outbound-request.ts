import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  type OutboundPolicy,
  type OutboundTarget,
  OutboundUrlError,
  parseOutboundUrl,
  type ResolvedAddress,
  resolveOutboundTarget,
} from './outbound-url.js';

/** A request that could not complete: timed out, or the network failed. (Policy refusals are OutboundUrlError.) */
export class OutboundRequestError extends Error {
  readonly kind: 'timeout' | 'network';
  constructor(kind: 'timeout' | 'network', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboundRequestError';
    this.kind = kind;
  }
}

export interface OutboundRequest {
  readonly url: string;
  readonly method: 'POST' | 'GET';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** For the whole exchange: DNS, every redirect hop, headers and the (discarded) body. */
  readonly timeoutMs: number;
  /** Redirects followed at most; each target is checked like the first. */
  readonly maxRedirects: number;
  /** Response body bytes read at most (then the connection is dropped); the body is never returned. */
  readonly maxResponseBytes: number;
}

export interface OutboundResponse {
  readonly status: number;
  /** The URL that gave the final answer (after redirects). */
  readonly url: string;
  readonly redirects: number;
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that answers only with the addresses already validated: no second DNS query. */
function pinnedLookup(addresses: readonly ResolvedAddress[]) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const usable = addresses.filter((entry) => family === undefined || entry.family === family);
    const first = usable[0];
    if (first === undefined) {
      const error: NodeJS.ErrnoException = new Error(`no validated address of family ${family} for ${hostname}`);
      error.code = 'ENOTFOUND';
      callback(error, '');
    } else if (options.all === true)
      callback(
        null,
        usable.map((entry) => ({ ...entry })),
      );
    else callback(null, first.address, first.family);
  };
}

/** Reads at most `max` bytes of the body and drops the rest with the connection. */
async function discardBody(response: IncomingMessage, max: number): Promise<void> {
  let seen = 0;
  for await (const chunk of response) {
    seen += (chunk as Buffer).length;
    if (seen > max) {
      response.destroy();
      return;
    }
  }
}

interface Hop {
  readonly status: number;
  readonly location: string | undefined;
}

function sendHop(target: OutboundTarget, request: OutboundRequest, signal: AbortSignal): Promise<Hop> {
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = request.body ?? '';
  const headers = { ...request.headers, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise<Hop>((resolve, reject) => {
    const options = { method: request.method, headers, agent: false, signal, lookup: pinnedLookup(target.addresses) };
    const outgoing = send(target.url, options, (response) => {
      const hop = { status: response.statusCode ?? 0, location: response.headers.location };
      discardBody(response, request.maxResponseBytes).then(() => resolve(hop), reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function failure(error: unknown, signal: AbortSignal, timeoutMs: number): Error {
  if (signal.aborted) return new OutboundRequestError('timeout', `no answer within ${timeoutMs} ms`);
  if (error instanceof OutboundUrlError || error instanceof OutboundRequestError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const text = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  return new OutboundRequestError('network', `request failed (${text.slice(0, 200)})`, { cause: error });
}

async function follow(
  request: OutboundRequest,
  policy: OutboundPolicy,
  signal: AbortSignal,
): Promise<OutboundResponse> {
  let url = parseOutboundUrl(request.url);
  for (let redirects = 0; ; redirects++) {
    const target = await untilAborted(resolveOutboundTarget(url, policy), signal);
    const hop = await sendHop(target, request, signal);
    if (!REDIRECTS.has(hop.status) || hop.location === undefined) {
      return { status: hop.status, url: url.toString(), redirects };
    }
    if (redirects >= request.maxRedirects) {
      throw new OutboundUrlError(`redirected more than ${request.maxRedirects} times`);
    }
    url = redirectTarget(hop.location, url);
  }
}

function redirectTarget(location: string, from: URL): URL {
  const next = URL.parse(location, from.toString());
  if (next === null) throw new OutboundUrlError('redirected to an invalid URL');
  try {
    return parseOutboundUrl(next.toString());
  } catch (error) {
    throw new OutboundUrlError(`redirected to a refused URL: ${(error as Error).message}`);
  }
}

/**
 * Sends one request to a user-supplied URL safely: the URL and every address its host resolves to are checked
 * against `policy` (see outbound-url.ts), the connection goes only to those addresses, redirects are followed by
 * hand (at most `maxRedirects`, each target checked again), and the whole exchange is bounded in time and in
 * bytes read. Resolves with the final status whatever it is; rejects with OutboundUrlError (refused by policy) or
 * OutboundRequestError (timeout, network).
 */
export async function sendOutbound(request: OutboundRequest, policy: OutboundPolicy): Promise<OutboundResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new OutboundRequestError('timeout', 'timed out')), request.timeoutMs);
  try {
    return await follow(request, policy, controller.signal);
  } catch (error) {
    throw failure(error, controller.signal, request.timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}
