import type { FastifyRequest } from 'fastify';
import { invalidParameter } from '../../domain/errors.js';

/**
 * The part of the request target that a `…/*` route's wildcard covers, exactly as the client sent it: still
 * percent-encoded, with any `?`, `#` or `;` left in. Fastify's own wildcard param is decoded by its router
 * (once, its way, with the query split off); path checks must see the raw text and decode it themselves.
 */
export function rawWildcardPath(request: FastifyRequest): string {
  const route = request.routeOptions.url ?? '';
  const prefix = route.endsWith('*') ? route.slice(0, -1) : route;
  const target = request.raw.url ?? '';
  if (prefix === '' || !target.startsWith(prefix)) {
    throw invalidParameter('Invalid path: the request path is not in canonical form.', {
      hint: `Send the endpoint path literally (${prefix}<artifact path>), percent-encoding only the artifact path.`,
    });
  }
  return target.slice(prefix.length);
}
