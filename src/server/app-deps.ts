import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Config } from '../config/config-schema.js';
import type { SupervisedProcessStatus } from '../deploy/local/supervisor-types.js';
import type { MetadataStore } from '../storage/metadata/open-metadata.js';
import type { ObjectStore } from '../storage/objects/types.js';

/**
 * The authentication seam. When present, `authenticate` runs for every request to a non-public route (and to
 * unknown routes, so 404s do not reveal the route inventory), after the Host, origin and content-type guards.
 * It throws a SlipwayError (UNAUTHENTICATED or PERMISSION_DENIED) to refuse. Configuring one also lets the
 * server listen on a non-loopback address without `--insecure`.
 */
export interface ServerAuth {
  authenticate(request: FastifyRequest): Promise<void>;
}

/** Everything buildApp needs; built by the composition root (server/main.ts) or a test. */
export interface AppDeps {
  readonly config: Config;
  readonly metadata: MetadataStore;
  readonly objects: ObjectStore;
  readonly version: string;
  /** A pino logger; without one the app logs nothing. */
  readonly logger?: FastifyBaseLogger;
  readonly auth?: ServerAuth;
  /** The local supervisor's processes, for GET /api/v1/supervisor (absent: the server does not supervise). */
  readonly supervisor?: { status(): readonly SupervisedProcessStatus[] };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Media types a mutating request with a body may send to this route. Default `['application/json']`.
     * A route that accepts others (artifact uploads: `application/octet-stream`) lists them here and
     * registers a content-type parser for them in its own plugin. ANY_CONTENT_TYPE accepts any type (artifact PUTs:
     * the MLflow client sends the type it guesses from the file name; a PUT is never a CORS-simple request).
     */
    readonly contentTypes?: readonly string[];
    /** Skips the auth seam (health checks). Public routes must reveal nothing and change nothing. */
    readonly public?: boolean;
    /** Skips the Host allowlist (only /health: probes address pods by IP). */
    readonly anyHost?: boolean;
  }
}
