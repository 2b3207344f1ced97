import { invalidParameter, SlipwayError } from '../../domain/errors.js';

export interface GetServingTextOptions {
  /** For the whole exchange, headers and body (default 5 s). */
  readonly timeoutMs?: number;
  /** Body bytes read at most; a longer answer is refused (default 4 MiB). */
  readonly maxBytes?: number;
}

export interface ServingText {
  readonly status: number;
  readonly text: string;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

const unavailable = (url: URL, why: string) =>
  new SlipwayError('TEMPORARILY_UNAVAILABLE', `Could not read ${url.toString().slice(0, 300)}: ${why}.`, {
    hint: 'Check that the serving process is running and reachable from here (the environment url or port).',
  });

/** `<base>/<path>`, keeping a path prefix of the base (an ingress mounting the server under /wine/). */
export function servingEndpoint(base: string, path: string): URL {
  const url = URL.parse(base.endsWith('/') ? base : `${base}/`);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalidParameter(`The serving URL '${base.slice(0, 200)}' is not an http(s) URL.`, {
      hint: 'Give the environment a url like http://127.0.0.1:5101.',
    });
  }
  return new URL(path, url);
}

/**
 * GETs a small text document from a serving process (its /metrics or /deployment): bounded in time and size,
 * no redirects followed (a serving endpoint has no reason to send one). Resolves with any status; rejects with
 * TEMPORARILY_UNAVAILABLE when there is no answer in time, the network fails or the body is too large.
 */
export async function getServingText(url: URL, options: GetServingTextOptions = {}): Promise<ServingText> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      redirect: 'manual',
      signal,
      headers: { accept: 'text/plain, application/json' },
    });
    const text = await readBounded(response, options.maxBytes ?? DEFAULT_MAX_BYTES);
    return { status: response.status, text };
  } catch (error) {
    if (error instanceof SlipwayError) throw error;
    if (signal.aborted) throw unavailable(url, `no answer within ${timeoutMs} ms`);
    const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    throw unavailable(url, typeof cause === 'string' ? cause : String((error as Error).message).slice(0, 200));
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw unavailable(new URL(response.url), `the answer is larger than ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) throw unavailable(new URL(response.url), `the answer is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
