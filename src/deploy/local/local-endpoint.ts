import { invalidParameter } from '../../domain/errors.js';
import type { Deployment } from '../deployments/deployment-types.js';

/** Where a local deployment's process listens. */
export interface LocalEndpoint {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_LOCAL_HOST = '127.0.0.1';

/** The host and port of a local target (host defaults to 127.0.0.1). */
export function localEndpoint(deployment: Deployment): LocalEndpoint {
  const { host, port } = deployment.target;
  if (port === undefined) {
    throw invalidParameter(`The local deployment ${deployment.model}/${deployment.environment} has no port.`, {
      hint: 'Give the environment a port: 5101.',
    });
  }
  return { host: host ?? DEFAULT_LOCAL_HOST, port };
}

const WILDCARD_TO_LOOPBACK: Readonly<Record<string, string>> = { '0.0.0.0': '127.0.0.1', '::': '::1', '[::]': '::1' };

/** `http://host:port` to reach the endpoint from this machine (a wildcard bind is reached on loopback). */
export function endpointUrl(endpoint: LocalEndpoint): string {
  const host = WILDCARD_TO_LOOPBACK[endpoint.host] ?? endpoint.host.replace(/^\[(.*)\]$/, '$1');
  return `http://${host.includes(':') ? `[${host}]` : host}:${endpoint.port}`;
}

export const sameEndpoint = (a: LocalEndpoint, b: LocalEndpoint): boolean => a.host === b.host && a.port === b.port;
