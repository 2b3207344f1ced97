import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { RegistryDeps } from '../../../registry/types.js';
import type { AppDeps } from '../../app-deps.js';
import { parseBody, parseQuery } from './parse-request.js';

/**
 * Who is acting: the principal an auth seam attached to the request (`request.principal`, a string), else
 * `anonymous`. The audit trail records it with every registry change.
 */
export function requestActor(request: FastifyRequest): string {
  const principal: unknown = Reflect.get(request, 'principal');
  return typeof principal === 'string' && principal !== '' ? principal.slice(0, 256) : 'anonymous';
}

/** The registry deps of one request: the app's stores and the request's actor. */
export const registryDepsOf = (deps: Pick<AppDeps, 'metadata' | 'objects'>, request: FastifyRequest): RegistryDeps => ({
  metadata: deps.metadata,
  objects: deps.objects,
  actor: requestActor(request),
});

/** MLflow's DELETE endpoints take a JSON body (the Python client) or a query string (curl, the UI). */
export function parseBodyOrQuery<S extends z.ZodType>(schema: S, request: FastifyRequest): z.output<S> {
  const body = request.body;
  if (typeof body === 'object' && body !== null && Object.keys(body).length > 0) return parseBody(schema, body);
  return parseQuery(schema, request.query);
}
