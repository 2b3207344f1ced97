import type { FastifyBaseLogger } from 'fastify';

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const NUMBERS: Readonly<Record<Signal, number>> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

/** The slice of `process` the handlers use. */
export interface SignalTarget {
  on(signal: Signal, listener: () => void): unknown;
  off(signal: Signal, listener: () => void): unknown;
  exit(code: number): never;
}

/**
 * SIGTERM/SIGINT: graceful shutdown (stop accepting, finish in-flight requests and shadows, flush the
 * prediction log), then exit 0 (1 if closing failed); a second signal exits at once. SIGHUP: `reload()`
 * (resolve the model again and hot-swap if it changed). Returns a function removing the handlers.
 * Mirrors the control plane's src/server/shutdown.ts, which serving may not import.
 */
export function installServeSignals(
  close: () => Promise<void>,
  reload: () => Promise<void>,
  log: FastifyBaseLogger,
  target: SignalTarget = process,
): () => void {
  let stopping = false;
  const stop = (signal: Signal) => () => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      target.exit(128 + NUMBERS[signal]);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests and flushing the prediction log');
    close().then(
      () => target.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        target.exit(1);
      },
    );
  };
  const hup = () => {
    reload().catch((error: unknown) => log.error({ err: error }, 'reload failed; still serving the old version'));
  };
  const handlers: [Signal, () => void][] = [
    ['SIGTERM', stop('SIGTERM')],
    ['SIGINT', stop('SIGINT')],
    ['SIGHUP', hup],
  ];
  for (const [signal, handler] of handlers) target.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) target.off(signal, handler);
  };
}
