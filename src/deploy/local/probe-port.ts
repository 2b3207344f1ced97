import { createServer } from 'node:net';
import type { LocalEndpoint } from './local-endpoint.js';

export type PortProbe = { readonly free: true } | { readonly free: false; readonly reason: string };

const REASONS: Readonly<Record<string, (e: LocalEndpoint) => string>> = {
  EADDRINUSE: (e) => `Port ${e.port} on ${e.host} is in use by another process.`,
  EACCES: (e) => `Not allowed to listen on ${e.host}:${e.port}.`,
  EADDRNOTAVAIL: (e) => `${e.host} is not an address of this machine.`,
};

/**
 * Whether a child could listen on the endpoint: binds it for a moment and lets it go. Before each start, so a port
 * held by a foreign process is reported instead of a child that crashes on it again and again.
 */
export function probePort(endpoint: LocalEndpoint): Promise<PortProbe> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        REASONS[error.code ?? '']?.(endpoint) ?? `Cannot listen on ${endpoint.host}:${endpoint.port}: ${error.message}`;
      resolve({ free: false, reason });
    });
    server.listen({ host: endpoint.host, port: endpoint.port, exclusive: true }, () => {
      server.close(() => resolve({ free: true }));
    });
  });
}
