import type { FastifyBaseLogger } from 'fastify';

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
type ShutdownSignal = keyof typeof SIGNAL_NUMBERS;

/** The slice of `process` the handlers use (a test can pass a fake emitter). */
export interface SignalTarget {
  on(signal: ShutdownSignal, listener: () => void): unknown;
  off(signal: ShutdownSignal, listener: () => void): unknown;
  exit(code: number): never;
}

interface Shutdown {
  stopping: boolean;
  readonly close: () => Promise<void>;
  readonly log: FastifyBaseLogger;
  readonly target: SignalTarget;
}

function onSignal(signal: ShutdownSignal, shutdown: Shutdown) {
  const { log, target } = shutdown;
  return (): void => {
    if (shutdown.stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      target.exit(128 + SIGNAL_NUMBERS[signal]);
    }
    shutdown.stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    shutdown.close().then(
      () => target.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        target.exit(1);
      },
    );
  };
}

/**
 * On the first SIGTERM/SIGINT: `close()` (stop accepting, finish in-flight requests, close the stores), then
 * exit 0 (1 if closing failed). A second signal exits at once with 128 + the signal number.
 * Returns a function that removes the handlers.
 */
export function installShutdownHandlers(
  close: () => Promise<void>,
  log: FastifyBaseLogger,
  target: SignalTarget = process,
): () => void {
  const shutdown: Shutdown = { stopping: false, close, log, target };
  const signals = Object.keys(SIGNAL_NUMBERS) as ShutdownSignal[];
  const handlers = signals.map((signal) => ({ signal, handler: onSignal(signal, shutdown) }));
  for (const { signal, handler } of handlers) target.on(signal, handler);
  return () => {
    for (const { signal, handler } of handlers) target.off(signal, handler);
  };
}
