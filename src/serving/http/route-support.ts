import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { SlipwayError } from '../../domain/errors.js';
import type { ServedVersion } from '../engine/served-version.js';
import type { InferenceRequest } from '../inference-service.js';
import { headerValue } from './http-guards.js';

export const MODEL_NAME_HEADER = 'x-model-name';
/** Names the version that answered, on every inference response (also when routed by a canary split). */
export const MODEL_VERSION_HEADER = 'x-model-version';

/** Marks the reply with the version a request was routed to (before the answer, so errors carry it too). */
export const markServed =
  (reply: FastifyReply) =>
  (served: ServedVersion): void => {
    reply.header(MODEL_NAME_HEADER, served.name).header(MODEL_VERSION_HEADER, served.version);
  };

/** The parts of an InferenceRequest every route takes from the HTTP request. */
export const requestContext = (request: FastifyRequest): Pick<InferenceRequest, 'requestId' | 'header'> => ({
  requestId: request.id,
  header: (name) => headerValue(request, name),
});

/** Parses a JSON body with a contract schema; BAD_REQUEST naming each problem's path (values never echoed). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
    return `${path === '' ? '(body)' : path.slice(path.startsWith('.') ? 1 : 0)}: ${issue.message}`;
  });
  throw new SlipwayError('BAD_REQUEST', `Invalid ${what} request: ${problems.join('; ')}.`.replace(/[<>&]/g, '?'), {
    hint: 'docs/serving.md describes the request bodies.',
  });
}
