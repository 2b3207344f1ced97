export interface HostAndPort {
  /** Lower-cased; IPv6 addresses keep their brackets (`[::1]`). */
  readonly hostname: string;
  readonly port: string | undefined;
}

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/;

/** Parses a Host header (`name`, `name:port`, `[v6]:port`); undefined when it is not a valid host. */
export function parseHostHeader(value: string): HostAndPort | undefined {
  const match = HOST_HEADER.exec(value.trim().toLowerCase());
  if (match === null || match[1] === undefined) return undefined;
  return { hostname: match[1], port: match[2] };
}

/**
 * Whether a Host header matches the allowlist. Entries: `*` (anything: disables the check), `name` (any port),
 * `name:port`, `*.domain` (any subdomain), `[v6]`, `[v6]:port`.
 */
export function isHostAllowed(header: string, allowlist: readonly string[]): boolean {
  const host = parseHostHeader(header);
  return host !== undefined && allowlist.some((entry) => entryMatches(entry.toLowerCase(), host));
}

function entryMatches(entry: string, host: HostAndPort): boolean {
  if (entry === '*') return true;
  const wildcard = entry.startsWith('*.');
  const pattern = parseHostHeader(wildcard ? entry.slice(2) : entry);
  if (pattern === undefined) return false;
  if (pattern.port !== undefined && pattern.port !== host.port) return false;
  return wildcard ? host.hostname.endsWith(`.${pattern.hostname}`) : host.hostname === pattern.hostname;
}
