import { invalidParameter } from '../../domain/errors.js';

/** A share of the traffic for one version; weights are relative (90 and 10 split 90/10). */
export interface TrafficRoute {
  readonly version: string;
  readonly weight: number;
}

/**
 * How a deployment's requests reach its versions:
 * - `routes`: a weighted split (one route: everything to one version; several: a canary);
 * - `stickyHeader`: when a request carries this header, its value's hash picks the route, so one user always
 *   sees the same version (requests without it are split at random);
 * - `shadow`: versions that get a copy of every request; their answers are logged, never returned.
 */
export interface TrafficPolicy {
  readonly routes: readonly TrafficRoute[];
  readonly stickyHeader?: string;
  readonly shadow?: readonly string[];
}

export const singleVersion = (version: string): TrafficPolicy => ({ routes: [{ version, weight: 1 }] });

/** Every version the policy sends traffic (or shadow traffic) to. */
export const policyVersions = (policy: TrafficPolicy): Set<string> =>
  new Set([...policy.routes.map((r) => r.version), ...(policy.shadow ?? [])]);

/** Refuses a policy that sends nothing anywhere, has a negative or non-finite weight, or names a version twice. */
export function checkTrafficPolicy(policy: TrafficPolicy): TrafficPolicy {
  if (policy.routes.length === 0) throw invalidParameter('A traffic policy needs at least one route.');
  if (policy.routes.some((r) => !Number.isFinite(r.weight) || r.weight < 0)) {
    throw invalidParameter('Traffic weights must be finite numbers ≥ 0.');
  }
  if (!policy.routes.some((r) => r.weight > 0)) throw invalidParameter('At least one traffic weight must be > 0.');
  const names = policy.routes.map((r) => r.version);
  if (new Set(names).size !== names.length) throw invalidParameter('A version appears twice in the traffic routes.');
  if (policy.shadow?.some((v) => names.includes(v))) {
    throw invalidParameter('A shadow version cannot also take live traffic.');
  }
  return { ...policy, ...(policy.stickyHeader ? { stickyHeader: policy.stickyHeader.toLowerCase() } : {}) };
}

/**
 * A stable hash of a header value into [0, 1): FNV-1a over the UTF-16 code units, then MurmurHash3's finaliser
 * (FNV alone leaves similar ids such as `user-1`, `user-2` bunched in the high bits).
 */
export function stickyFraction(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/** The route a fraction in [0, 1) falls into, by cumulative weight. */
export function pickRoute(routes: readonly TrafficRoute[], fraction: number): string {
  const total = routes.reduce((sum, r) => sum + r.weight, 0);
  let point = fraction * total;
  for (const route of routes) {
    if (route.weight > 0 && point < route.weight) return route.version;
    point -= route.weight;
  }
  return (routes.findLast((r) => r.weight > 0) ?? (routes[0] as TrafficRoute)).version;
}
