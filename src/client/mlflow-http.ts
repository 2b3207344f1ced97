import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../contract/error-codes.js';
import { SlipwayError } from '../domain/errors.js';

export interface MlflowHttpOptions {
  /** `http(s)://host:port[/prefix]` of a Slipway (or MLflow) server. */
  readonly baseUrl: string;
  /** Per JSON request; default 30 s. Artifact uploads have no timeout unless `uploadTimeoutMs` is set. */
  readonly timeoutMs?: number | undefined;
  readonly uploadTimeoutMs?: number | undefined;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** One HTTP exchange with the MLflow REST API; every failure is a SlipwayError. */
export interface MlflowHttp {
  readonly baseUrl: string;
  post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>>;
  get<S extends z.ZodType>(path: string, query: Record<string, string>, schema: S): Promise<z.infer<S>>;
  put(path: string, body: Readable, size: number | undefined): Promise<void>;
}

const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);

/** The server's `{error_code, message}` turned back into the SlipwayError it was rendered from. */
export function errorFromBody(url: string, status: number, text: string): SlipwayError {
  const hint = `The tracking server answered ${status} for ${url}.`;
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (isErrorCode(body.error_code) && typeof body.message === 'string') {
      return new SlipwayError(body.error_code, body.message, { hint });
    }
  } catch {
    // not JSON: fall through
  }
  const code: ErrorCode = status === 404 ? 'ENDPOINT_NOT_FOUND' : status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
  return new SlipwayError(code, `The tracking server answered ${status}: ${text.slice(0, 200)}`, {
    hint: 'Check that the tracking URI names a Slipway or MLflow server.',
  });
}

/** fetch's own failures: a timeout, or a server that cannot be reached. */
export function errorFromFailure(
  baseUrl: string,
  url: string,
  error: unknown,
  timeoutMs: number | undefined,
): SlipwayError {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') {
    return new SlipwayError('DEADLINE_EXCEEDED', `The request to ${url} timed out after ${timeoutMs} ms.`, {
      cause: error,
      hint: 'The server may be overloaded; try again, or raise the client timeout.',
    });
  }
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const why = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return new SlipwayError('TEMPORARILY_UNAVAILABLE', `Cannot reach the tracking server at ${baseUrl}${why}.`, {
    cause: error,
    hint: 'Start it with `slipway server`, or check the tracking URI (--tracking-uri, metadata.uri).',
  });
}

export function parseOk<S extends z.ZodType>(url: string, text: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch (cause) {
    throw new SlipwayError('INTERNAL_ERROR', `The tracking server sent malformed JSON for ${url}.`, { cause });
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new SlipwayError('INTERNAL_ERROR', `The tracking server sent an unexpected answer for ${url}.`, {
    cause: parsed.error,
    hint: 'Client and server versions may differ; upgrade them together.',
  });
}

/** Credentials in the URL (`http://user:pass@host`) become a Basic header; messages never show them. */
function splitCredentials(baseUrl: string): { url: string; authorization?: string } {
  const parsed = URL.parse(baseUrl);
  if (parsed === null) {
    throw new SlipwayError('INVALID_PARAMETER_VALUE', 'The tracking URI is not a valid http(s) URL.', {
      hint: 'Use http://host:port, e.g. http://127.0.0.1:5000.',
    });
  }
  if (parsed.username === '' && parsed.password === '') return { url: baseUrl.replace(/\/+$/, '') };
  const user = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  const authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  return { url: parsed.toString().replace(/\/+$/, ''), authorization };
}

function authHeaders(options: MlflowHttpOptions, basic: string | undefined): Record<string, string> {
  if (options.token) return { authorization: `Bearer ${options.token}` };
  return basic === undefined ? {} : { authorization: basic };
}

/** The MLflow REST transport over Node's fetch. */
export function createMlflowHttp(options: MlflowHttpOptions): MlflowHttp {
  const { url: baseUrl, authorization } = splitCredentials(options.baseUrl);
  const headers = authHeaders(options, authorization);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  async function send(url: string, init: RequestInit, limitMs: number | undefined): Promise<string> {
    let response: Response;
    try {
      const signal = limitMs === undefined ? null : AbortSignal.timeout(limitMs);
      response = await fetch(url, { ...init, signal, headers: { ...headers, ...init.headers } });
    } catch (error) {
      throw errorFromFailure(baseUrl, url, error, limitMs);
    }
    const text = await response.text();
    if (!response.ok) throw errorFromBody(url, response.status, text);
    return text;
  }
  return {
    baseUrl,
    post: async (path, body, schema) => {
      const url = `${baseUrl}/api/2.0/mlflow${path}`;
      const init = { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
      return parseOk(url, await send(url, init, timeoutMs), schema);
    },
    get: async (path, query, schema) => {
      const url = `${baseUrl}/api/2.0/mlflow${path}?${new URLSearchParams(query).toString()}`;
      return parseOk(url, await send(url, { method: 'GET' }, timeoutMs), schema);
    },
    put: async (path, body, size) => {
      const url = `${baseUrl}/api/2.0/mlflow-artifacts/artifacts/${path}`;
      const lengthHeader: Record<string, string> = size === undefined ? {} : { 'content-length': String(size) };
      const init = {
        method: 'PUT',
        body: body as unknown as ReadableStream,
        duplex: 'half',
        headers: { 'content-type': 'application/octet-stream', ...lengthHeader },
      } as RequestInit;
      await send(url, init, options.uploadTimeoutMs);
    },
  };
}
