import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SlipwayError } from '../../domain/errors.js';

/** What an inference-server route declares about itself (route `config.serving`). */
export interface ServingRouteConfig {
  /** Counted in the per-model request metrics. */
  readonly inference?: boolean;
  /** Error body: MLflow's `{error_code, message}` (default) or OIP's `{error}`. */
  readonly errors?: 'mlflow' | 'oip';
  /** The body must be application/json (else 415). */
  readonly json?: boolean;
  /** The body must be application/json or application/octet-stream (OIP's binary tensor extension). */
  readonly binary?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    serving?: ServingRouteConfig;
  }
}

/**
 * The inference server's safe-by-default HTTP pieces. They follow the control plane's (src/server:
 * security-headers, host-allowlist, request-guards, json-body-parser), which use-case areas may not import.
 * TODO(merge): move the shared parts to one module both edges import.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export const MAX_JSON_DEPTH = 64;

export interface GuardOptions {
  /** Host header values accepted (`name`, `name:port`, or `*` for any); the DNS-rebinding guard. */
  readonly allowedHosts: readonly string[];
}

const hostName = (header: string): string => {
  const value = header.trim().toLowerCase();
  return value.startsWith('[') ? value.slice(0, value.indexOf(']') + 1) : (value.split(':', 1)[0] ?? '');
};

/** Whether a Host header is allowed: an entry matches the host with or without its port; `*` matches all. */
export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  if (header === undefined || header === '') return false;
  const value = header.trim().toLowerCase();
  return allowed.some((entry) => entry === value || entry === hostName(value));
}

/** `hostAllowed` for a fixed allowlist, with the answer for each Host value seen remembered (a few hundred at most). */
function hostCheck(allowedHosts: readonly string[]): (header: string | undefined) => boolean {
  const allowed = allowedHosts.map((h) => h.toLowerCase());
  if (allowed.includes('*')) return () => true;
  const seen = new Map<string, boolean>();
  return (header) => {
    if (header === undefined) return false;
    let ok = seen.get(header);
    if (ok === undefined) {
      ok = hostAllowed(header, allowed);
      if (seen.size < 256) seen.set(header, ok);
    }
    return ok;
  };
}

const forbidden = (message: string, hint: string) => new SlipwayError('PERMISSION_DENIED', message, { hint });

/** Guards and headers, given the app's closing state (answers then ask keep-alive clients to let go). */
export interface GuardState {
  readonly closing: () => boolean;
}

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

/**
 * One synchronous onRequest hook (the cheapest kind): the request id and security headers on the reply, the Host
 * allowlist, and on POST the cross-site check; routes whose `config.serving` asks for a media type get their own
 * onRequest hook checking it, attached once when the route is added (so no request looks its route's config up).
 * While the server closes, answers carry `Connection: close`, so keep-alive clients let go once their requests
 * are answered. Register before the routes.
 */
export function registerGuards(app: FastifyInstance, options: GuardOptions, state: GuardState): void {
  const hostOk = hostCheck(options.allowedHosts);
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of SECURITY_HEADER_ENTRIES) reply.header(name, value);
    reply.header('x-request-id', request.id);
    if (state.closing()) reply.header('connection', 'close');
    done(refusal(request, hostOk));
  });
  app.addHook('onRoute', (route) => {
    const serving = route.config?.serving;
    const accepted = serving?.json === true ? JSON_ONLY : serving?.binary === true ? JSON_OR_BINARY : undefined;
    if (accepted === undefined) return;
    // First of the route's own hooks, as when it was part of the global one.
    route.onRequest = withHook(route.onRequest, (request, _reply, done) => {
      done(request.method === 'POST' ? mediaTypeRefusal(request, accepted) : undefined);
    });
  });
}

/** `hook` followed by a route's own hooks (none, one or a list). */
export function withHook<H>(hooks: H | readonly H[] | undefined, hook: H): H[] {
  if (hooks === undefined) return [hook];
  return Array.isArray(hooks) ? [hook, ...(hooks as readonly H[])] : [hook, hooks as H];
}

function refusal(request: FastifyRequest, hostOk: (header: string | undefined) => boolean): SlipwayError | undefined {
  if (!hostOk(request.headers.host)) {
    return forbidden('Invalid Host header.', 'Add the host name to --allowed-hosts to allow it.');
  }
  if (request.method === 'POST' && request.headers['sec-fetch-site'] === 'cross-site') {
    return forbidden('Cross-site request refused.', 'Call the inference API from a server or a same-origin page.');
  }
  return undefined;
}

const mediaType = (header: string | undefined): string => (header ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';

const JSON_ONLY: readonly string[] = ['application/json'];
const JSON_OR_BINARY: readonly string[] = ['application/json', 'application/octet-stream'];

function mediaTypeRefusal(request: FastifyRequest, accepted: readonly string[]): SlipwayError | undefined {
  const header = request.headers['content-type'];
  // The common case, exactly as clients send it, without splitting the header.
  if (header !== undefined && accepted.includes(header)) return undefined;
  const sent = mediaType(header);
  if (accepted.includes(sent)) return undefined;
  return new SlipwayError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Unsupported Content-Type${sent === '' ? ' (none)' : ''}; this endpoint accepts ${accepted.join(', ')}.`,
    { hint: 'Send the body with Content-Type: application/json.' },
  );
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The index of the quote closing the string that opens at `start`. */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return text.length;
}

/** One pass over JSON text: whether arrays and objects nest deeper than `max` (strings skipped). */
export function exceedsJsonDepth(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = skipString(text, i);
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) depth--;
    if (depth > max) return true;
  }
  return false;
}

/**
 * Body parsers: JSON (depth-checked, then Fastify's secure parser refusing `__proto__` and `constructor` keys),
 * text/csv as text and application/octet-stream as bytes (routes say which they take). Nothing else is parsed (text/plain, forms: a browser's CSRF-able types are refused).
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (exceedsJsonDepth(body as string, MAX_JSON_DEPTH)) {
      done(new SlipwayError('BAD_REQUEST', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`), undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
}

/** A request header as one string (the first value when repeated). */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
