import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { SlipwayError } from '../../domain/errors.js';
import type { AppDeps } from '../app-deps.js';

/** A probe must get an answer even when the database hangs. */
export const HEALTH_TIMEOUT_MS = 5000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** One round trip to the metadata database; TEMPORARILY_UNAVAILABLE (503) when it fails or hangs. */
async function pingMetadata(deps: Pick<AppDeps, 'metadata'>): Promise<void> {
  try {
    await withTimeout(sql`select 1`.execute(deps.metadata.db), HEALTH_TIMEOUT_MS);
  } catch (error) {
    throw new SlipwayError('TEMPORARILY_UNAVAILABLE', 'The metadata store is unreachable.', {
      hint: 'Check that the database named by the backend store URI is up; the server log has the cause.',
      cause: error,
    });
  }
}

/**
 * `GET /health` (public, any Host: for load balancers and Kubernetes probes; reveals only `ok`) and
 * `GET /version` (behind auth once it exists).
 */
export function registerHealthRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'metadata' | 'version'>): void {
  app.get('/health', { config: { public: true, anyHost: true } }, async () => {
    await pingMetadata(deps);
    return { status: 'ok' };
  });
  app.get('/version', async () => ({ version: deps.version }));
}
