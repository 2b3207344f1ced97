import { lookup as dnsLookup } from 'node:dns/promises';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { IPv4, IPv6 } from 'ipaddr.js';

/** ipaddr.js is CommonJS whose exports Node cannot name statically: load it through require. */
const ipaddr = createRequire(import.meta.url)('ipaddr.js') as typeof import('ipaddr.js');

/** Why an outbound URL or address was refused; `field`-free so callers phrase their own message. */
export class OutboundUrlError extends Error {
  /** True when asking again later may succeed (the host did not resolve); false for a refusal by the rules. */
  readonly transient: boolean;
  constructor(message: string, options: { readonly transient?: boolean } = {}) {
    super(message);
    this.name = 'OutboundUrlError';
    this.transient = options.transient ?? false;
  }
}

/** One resolved address, as `dns.lookup(…, {all: true})` gives it. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to every address (A and AAAA). Injectable so tests can play DNS (rebinding, …). */
export type ResolveHost = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface OutboundPolicy {
  /**
   * Allow loopback, private (RFC 1918, CGNAT, ULA), link-local and other non-public targets. Cloud metadata
   * addresses, unspecified, multicast and broadcast stay refused even then.
   */
  readonly allowPrivateTargets: boolean;
  /** Defaults to the system resolver (`dns.lookup`, all addresses). */
  readonly resolve?: ResolveHost;
}

/** A URL whose host resolved to addresses that all passed the policy: connect to these, and only these. */
export interface OutboundTarget {
  readonly url: URL;
  readonly addresses: readonly ResolvedAddress[];
}

export const MAX_OUTBOUND_URL_LENGTH = 2048;

/** Instance metadata services (AWS, ECS, EKS pod identity, GCP, Azure, Alibaba, Oracle): never a target. */
const METADATA_ADDRESSES: ReadonlySet<string> = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  '100.100.100.200',
  '192.0.0.192',
  'fd00:ec2::254',
  'fd00:ec2::23',
]);

/** ipaddr.js ranges refused even when private targets are allowed: nothing legitimate listens there. */
const NEVER: ReadonlySet<string> = new Set(['unspecified', 'multicast', 'broadcast']);

/**
 * Checks the text of an outbound URL without any I/O: http or https, a host, no credentials, no fragment, at most
 * MAX_OUTBOUND_URL_LENGTH characters. The WHATWG parser already turns odd IPv4 spellings (`2130706433`,
 * `0x7f000001`, `0177.0.0.1`, `127.1`) into dotted quads, so the address checks see what a client would connect to.
 */
export function parseOutboundUrl(text: string): URL {
  if (text.length > MAX_OUTBOUND_URL_LENGTH) {
    throw new OutboundUrlError(`is longer than ${MAX_OUTBOUND_URL_LENGTH} characters`);
  }
  const url = URL.parse(text);
  if (url === null) throw new OutboundUrlError('is not a valid URL');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundUrlError(`must use http or https, not ${url.protocol.slice(0, 20)}`);
  }
  if (url.username !== '' || url.password !== '') throw new OutboundUrlError('must not contain credentials (user@)');
  if (url.hash !== '') throw new OutboundUrlError('must not contain a fragment (#…)');
  if (url.hostname === '') throw new OutboundUrlError('has no host');
  return url;
}

const bare = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, '$1');

const ipv4Of = (high: number, low: number): IPv4 =>
  new ipaddr.IPv4([(high >> 8) & 255, high & 255, (low >> 8) & 255, low & 255]);

/**
 * The IPv4 address an IPv6 one carries: IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, IPv4-translated
 * `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` and 6to4 `2002:aabb:ccdd::`; judged as that IPv4 address.
 */
function embeddedIpv4(address: IPv6): IPv4 | undefined {
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0] = address.parts;
  const range = address.range();
  if (range === '6to4') return ipv4Of(p1, p2);
  const zeros = p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0;
  const low96 = ['ipv4Mapped', 'rfc6145', 'rfc6052'].includes(range);
  const compatible = zeros && p4 === 0 && p5 === 0 && (p6 !== 0 || p7 > 1);
  return low96 || compatible ? ipv4Of(p6, p7) : undefined;
}

/**
 * Why `address` (an IP literal in any spelling ipaddr.js reads) may not be connected to under the policy, or
 * undefined when it may. Only global unicast addresses pass by default; IPv4 embedded in IPv6 is judged as IPv4.
 */
export function addressProblem(address: string, allowPrivateTargets: boolean): string | undefined {
  if (!ipaddr.isValid(bare(address))) return `${address.slice(0, 64)} is not an IP address`;
  const parsed = ipaddr.parse(bare(address));
  const inner = parsed.kind() === 'ipv6' ? embeddedIpv4(parsed as IPv6) : undefined;
  const judged = inner ?? parsed;
  const text = judged.toNormalizedString();
  if (METADATA_ADDRESSES.has(text) || METADATA_ADDRESSES.has(judged.toString())) {
    return `${text} is a cloud metadata address`;
  }
  const range = judged.range();
  if (range === 'unicast') return undefined;
  if (NEVER.has(range) || !allowPrivateTargets) return `${judged.toString()} is a ${describeRange(range)} address`;
  return undefined;
}

const RANGE_NAMES: Readonly<Record<string, string>> = {
  loopback: 'loopback',
  private: 'private (RFC 1918)',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  uniqueLocal: 'unique local (fc00::/7)',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

const describeRange = (range: string): string => RANGE_NAMES[range] ?? `non-public (${range})`;

const systemResolve: ResolveHost = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

async function resolveAll(hostname: string, resolve: ResolveHost): Promise<readonly ResolvedAddress[]> {
  try {
    return await resolve(hostname);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const why = typeof code === 'string' ? ` (${code})` : '';
    throw new OutboundUrlError(`host ${hostname} does not resolve${why}`, { transient: true });
  }
}

/**
 * Resolves the URL's host once and checks every address it resolves to (an attacker's DNS may mix a public and a
 * private answer). The caller must connect to the returned addresses only, never resolve the name again: that
 * closes the DNS-rebinding window between check and connect.
 */
export async function resolveOutboundTarget(url: URL, policy: OutboundPolicy): Promise<OutboundTarget> {
  const hostname = bare(url.hostname);
  const family = isIP(hostname);
  const addresses =
    family === 0
      ? await resolveAll(hostname, policy.resolve ?? systemResolve)
      : [{ address: hostname, family: family as 4 | 6 }];
  if (addresses.length === 0) throw new OutboundUrlError(`host ${hostname} resolves to no address`);
  for (const { address } of addresses) {
    const problem = addressProblem(address, policy.allowPrivateTargets);
    if (problem !== undefined) throw new OutboundUrlError(`host ${hostname} is refused: ${problem}`);
  }
  return { url, addresses };
}

/** parseOutboundUrl then resolveOutboundTarget. */
export async function checkOutboundUrl(text: string, policy: OutboundPolicy): Promise<OutboundTarget> {
  return resolveOutboundTarget(parseOutboundUrl(text), policy);
}
