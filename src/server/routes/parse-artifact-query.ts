import type { z } from 'zod';
import { invalidParameter } from '../../domain/errors.js';

/** Validates a query string object (Fastify's: repeated keys become arrays); every issue is named in one 400. */
export function parseArtifactQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`);
  throw invalidParameter(`Invalid query string: ${issues.join('; ')}.`, {
    hint: 'Send each parameter once, as a string.',
  });
}
