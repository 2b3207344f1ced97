import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Config, LogLevel, ServerConfig } from '../config/config-schema.js';
import { slipwayVersion } from '../config/slipway-version.js';
import { SlipwayError, toSlipwayError } from '../domain/errors.js';
import { createWebhookDispatcher, type WebhookDispatcher } from '../registry/webhooks/webhook-dispatcher.js';
import { type MetadataStore, openMetadata } from '../storage/metadata/open-metadata.js';
import { openObjectStore } from '../storage/objects/registry.js';
import type { ObjectStore } from '../storage/objects/types.js';
import type { ServerAuth } from './app-deps.js';
import { assertSafeBind, isLoopbackHost } from './bind-policy.js';
import { buildApp } from './build-app.js';
import { installShutdownHandlers } from './shutdown.js';
import { type SuperviseOverrides, type Supervision, startSupervision } from './start-supervision.js';

export type { ServerAuth } from './app-deps.js';

export interface StartServerOptions {
  /** Reported by GET /version; defaults to the package version. */
  readonly version?: string;
  /** Defaults to JSON lines on stderr at `config.log.level`. */
  readonly logger?: FastifyBaseLogger;
  readonly auth?: ServerAuth;
  /** Install SIGTERM/SIGINT handlers that shut down gracefully and exit the process (default true). */
  readonly handleSignals?: boolean;
  /** Changes to the local supervisor (when `deployments.supervise` is on): the deployments store, command, timings. */
  readonly supervise?: SuperviseOverrides;
}

export interface RunningServer {
  /** Where the server listens, e.g. `http://127.0.0.1:5000`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, finishes in-flight requests, closes the stores. Safe to call more than once. */
  close(): Promise<void>;
}

interface Stores {
  readonly metadata: MetadataStore;
  readonly objects: ObjectStore;
}

/** The server's composition root: check the bind, open the stores, build the app, listen. */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  assertSafeBind(config.server, options.auth !== undefined);
  const logger = options.logger ?? createLogger(config.log.level);
  const stores = await openStores(config);
  const version = options.version ?? slipwayVersion();
  let supervision: Supervision | undefined;
  const supervisor = { status: () => supervision?.status() ?? [] };
  const app = buildApp({
    config,
    ...stores,
    logger,
    version,
    supervisor,
    ...(options.auth ? { auth: options.auth } : {}),
  });
  const webhooks = createWebhookDispatcher({ metadata: stores.metadata, outbound: config.webhooks, logger });
  const close = closeOnce(app, stores, webhooks, () => supervision);
  const address = await listen(app, config.server).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  warnIfExposed(config.server, logger);
  webhooks.start();
  supervision = await startSupervision(config, stores.metadata, urlOf(address), logger, options.supervise).catch(
    async (error: unknown) => {
      await close();
      throw error;
    },
  );
  const removeHandlers = options.handleSignals === false ? () => {} : installShutdownHandlers(close, logger);
  const stop = async () => {
    removeHandlers();
    await close();
  };
  return { url: urlOf(address), port: address.port, close: stop };
}

export function createLogger(level: LogLevel): FastifyBaseLogger {
  return pino(
    { level, base: { name: 'slipway-server' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 2, sync: true }),
  );
}

async function openStores(config: Config): Promise<Stores> {
  const metadata = await openMetadata(config.metadata.uri);
  try {
    return { metadata, objects: await openObjectStore(config.objects.uri) };
  } catch (error) {
    await metadata.close();
    throw error;
  }
}

/** Children first (they may still send their last predictions to this server), then the app, then the stores. */
function closeOnce(
  app: FastifyInstance,
  stores: Stores,
  webhooks: WebhookDispatcher,
  supervision: () => Supervision | undefined,
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await supervision()?.stop();
      await app.close();
      await webhooks.stop();
      await Promise.allSettled([stores.objects.close(), stores.metadata.close()]);
    })();
    return closing;
  };
}

async function listen(app: FastifyInstance, server: ServerConfig): Promise<AddressInfo> {
  try {
    await app.listen({ host: server.host, port: server.port });
  } catch (error) {
    throw listenError(error, server);
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw toSlipwayError(new Error('no TCP address'));
  return address;
}

const LISTEN_ERRORS: Readonly<Record<string, (s: ServerConfig) => SlipwayError>> = {
  EADDRINUSE: (s) =>
    new SlipwayError('RESOURCE_CONFLICT', `Port ${s.port} on ${s.host} is already in use.`, {
      hint: 'Stop the other process, or choose another port with --port (0 picks a free one).',
    }),
  EACCES: (s) =>
    new SlipwayError('PERMISSION_DENIED', `Not allowed to listen on ${s.host}:${s.port}.`, {
      hint: 'Ports below 1024 need privileges; use a port such as 5000.',
    }),
  EADDRNOTAVAIL: (s) =>
    new SlipwayError('INVALID_PARAMETER_VALUE', `${s.host} is not an address of this machine.`, {
      hint: 'Use --host with one of this machine’s addresses, such as 127.0.0.1.',
    }),
};

function listenError(error: unknown, server: ServerConfig): SlipwayError {
  const code = (error as { code?: unknown } | null)?.code;
  const make = typeof code === 'string' ? LISTEN_ERRORS[code] : undefined;
  return make === undefined ? toSlipwayError(error) : make(server);
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function warnIfExposed(server: ServerConfig, logger: FastifyBaseLogger): void {
  if (isLoopbackHost(server.host)) return;
  logger.warn({ host: server.host }, 'listening beyond loopback: anyone who can reach this address can use the API');
}
