import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../contract/error-codes.js';
import { SlipwayError } from '../domain/errors.js';
import { DEFAULT_TIMEOUT_MS, type MlflowHttpOptions } from './mlflow-http.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** JSON requests to any path of a Slipway server (PATCH and DELETE included), and raw downloads. */
export interface RegistryHttp {
  readonly baseUrl: string;
  json<S extends z.ZodType>(method: Method, path: string, body: unknown, schema: S): Promise<z.infer<S>>;
  download(path: string): Promise<Readable>;
}

const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);

function errorOf(url: string, status: number, text: string): SlipwayError {
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (isErrorCode(body.error_code) && typeof body.message === 'string') {
      return new SlipwayError(body.error_code, body.message, { hint: `The server answered ${status} for ${url}.` });
    }
  } catch {
    // not an error envelope
  }
  const code: ErrorCode = status === 404 ? 'ENDPOINT_NOT_FOUND' : status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
  return new SlipwayError(code, `The server answered ${status} for ${url}: ${text.slice(0, 200)}`);
}

const unreachable = (baseUrl: string, cause: unknown) =>
  new SlipwayError('TEMPORARILY_UNAVAILABLE', `Cannot reach the server at ${baseUrl}.`, {
    cause,
    hint: 'Start it with `slipway server`, or check the tracking URI (--tracking-uri, metadata.uri).',
  });

/** GET sends the body as a query string (MLflow's convention); the others as JSON. */
export function createRegistryHttp(options: MlflowHttpOptions): RegistryHttp {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  async function send(url: string, init: RequestInit, limit: number | undefined): Promise<Response> {
    let response: Response;
    try {
      const signal = limit === undefined ? null : AbortSignal.timeout(limit);
      response = await fetch(url, { ...init, signal, headers: { ...headers, ...init.headers } });
    } catch (error) {
      throw unreachable(baseUrl, error);
    }
    if (!response.ok) throw errorOf(url, response.status, await response.text());
    return response;
  }
  return {
    baseUrl,
    async json(method, path, body, schema) {
      const query = method === 'GET' ? `?${new URLSearchParams(body as Record<string, string>).toString()}` : '';
      const init: RequestInit =
        method === 'GET'
          ? { method }
          : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
      const url = `${baseUrl}${path}${query}`;
      const text = await (await send(url, init, timeout)).text();
      const parsed = schema.safeParse(text === '' ? {} : JSON.parse(text));
      if (parsed.success) return parsed.data;
      throw new SlipwayError('INTERNAL_ERROR', `The server sent an unexpected answer for ${url}.`, {
        cause: parsed.error,
      });
    },
    async download(path) {
      const response = await send(`${baseUrl}${path}`, { method: 'GET' }, undefined);
      if (response.body === null) return Readable.from([]);
      return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    },
  };
}
