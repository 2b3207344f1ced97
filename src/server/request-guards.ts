import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SlipwayError } from '../domain/errors.js';
import type { ServerAuth } from './app-deps.js';
import { isHostAllowed } from './host-allowlist.js';

export interface GuardOptions {
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly auth?: ServerAuth | undefined;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const DEFAULT_CONTENT_TYPES: readonly string[] = ['application/json'];
/** In a route's `contentTypes`: any media type (artifact uploads, whose type the client guesses from the file name). */
export const ANY_CONTENT_TYPE = '*/*';

const forbidden = (message: string, hint: string) => new SlipwayError('PERMISSION_DENIED', message, { hint });

/** Refuses requests whose Host is missing (400) or not allowlisted (403): the DNS-rebinding guard. */
function checkHost(request: FastifyRequest, allowedHosts: readonly string[]): void {
  const host = request.headers.host;
  if (host === undefined || host.trim() === '') {
    throw new SlipwayError('BAD_REQUEST', 'Missing Host header.', {
      hint: 'HTTP/1.1 requests must send a Host header.',
    });
  }
  if (request.routeOptions.config?.anyHost === true || isHostAllowed(host, allowedHosts)) return;
  throw forbidden('Invalid Host header', 'Add the host name to server.allowedHosts (--allowed-hosts) to allow it.');
}

/** Refuses a mutating request sent by another site (CSRF from a page in the user's browser). */
function checkSameOrigin(request: FastifyRequest, allowedOrigins: readonly string[]): void {
  if (request.headers['sec-fetch-site'] === 'cross-site') {
    throw forbidden('Cross-site request refused.', 'Call the API from the same origin, or from a non-browser client.');
  }
  const origin = request.headers.origin;
  if (origin === undefined || allowedOrigins.includes(origin) || sameHost(origin, request.headers.host)) return;
  throw forbidden(
    'Cross-origin request refused.',
    'Add the origin to server.allowedOrigins (--allowed-origins) to allow it.',
  );
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined || !URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.trim().toLowerCase();
}

const carriesBody = (request: FastifyRequest): boolean => {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
};

const mediaType = (header: string | undefined): string => (header ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';

/** A mutating request with a body must use one of the route's media types (JSON unless the route says otherwise). */
function checkContentType(request: FastifyRequest): void {
  if (!carriesBody(request)) return;
  const allowed = request.routeOptions.config?.contentTypes ?? DEFAULT_CONTENT_TYPES;
  const sent = mediaType(request.headers['content-type']);
  if (allowed.includes(sent) || allowed.includes(ANY_CONTENT_TYPE)) return;
  throw new SlipwayError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Unsupported Content-Type ${sent === '' ? '(none)' : `'${sent}'`}; this endpoint accepts ${allowed.join(', ')}.`,
    { hint: `Send the body with Content-Type: ${allowed[0] ?? 'application/json'}.` },
  );
}

/** Installs the guards as the first onRequest hook, in order: Host, origin, content type, then auth. */
export function registerRequestGuards(app: FastifyInstance, options: GuardOptions): void {
  app.addHook('onRequest', async (request) => {
    checkHost(request, options.allowedHosts);
    if (MUTATING.has(request.method)) {
      checkSameOrigin(request, options.allowedOrigins);
      checkContentType(request);
    }
    if (options.auth !== undefined && request.routeOptions.config?.public !== true) {
      await options.auth.authenticate(request);
    }
  });
}
