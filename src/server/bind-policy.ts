import { isIP } from 'node:net';
import type { ServerConfig } from '../config/config-schema.js';
import { invalidParameter } from '../domain/errors.js';

/** `localhost`, 127.0.0.0/8, `::1` and the IPv4-mapped `::ffff:127.x.y.z`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Refuses to listen beyond loopback without authentication unless `--insecure` says so: on a shared network an
 * open tracking server gives anyone every experiment, model and artifact (and ways to write files).
 */
export function assertSafeBind(server: ServerConfig, authConfigured: boolean): void {
  if (isLoopbackHost(server.host) || server.insecure || authConfigured) return;
  throw invalidParameter(
    `Refusing to listen on ${server.host}: it is not a loopback address and no authentication is configured, so anyone who can reach this machine could read and change everything the server stores.`,
    {
      hint: 'Listen on 127.0.0.1 (the default), or pass --insecure (or set SLIPWAY_INSECURE=1) to accept the risk, for example behind an authenticating proxy.',
    },
  );
}
