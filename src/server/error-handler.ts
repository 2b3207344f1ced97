import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SlipwayError } from '../domain/errors.js';
import { toErrorReply } from './error-reply.js';
import { applySecurityHeaders } from './security-headers.js';

/** Sends `{error_code, message}`; unexpected errors are logged with their stack, never sent. */
function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const answer = toErrorReply(error);
  if (answer.unexpected) request.log.error({ err: error }, 'request failed');
  else request.log.info({ errorCode: answer.body.error_code }, answer.body.message);
  return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body);
}

const notFound = (request: FastifyRequest) => {
  const path = (request.url.split('?', 1)[0] ?? '').slice(0, 200);
  return new SlipwayError('ENDPOINT_NOT_FOUND', `No endpoint ${request.method} ${path}.`, {
    hint: 'Check the method and path against the API documentation.',
  });
};

/** The error handler, the 404 handler, and Fastify's pre-routing errors (bad URL): all as MLflow envelopes. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(notFound(request), request, reply));
}

/** For Fastify's `frameworkErrors` option: errors raised before routing (malformed URL, constraints). */
export function frameworkErrorHandler(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  applySecurityHeaders(reply);
  reply.header('x-request-id', request.id);
  sendError(error, request, reply);
}
