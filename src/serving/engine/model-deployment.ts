import { notFound, SlipwayError } from '../../domain/errors.js';
import { quoted } from '../../models/scoring/scoring-error.js';
import type { Lease, ServedVersion } from './served-version.js';
import { checkTrafficPolicy, pickRoute, policyVersions, stickyFraction, type TrafficPolicy } from './traffic-policy.js';

export interface RouteRequest {
  /** A version asked for by name (OIP `/versions/{v}`): bypasses the policy and shadows. */
  readonly version?: string;
  /** The request's value of the policy's sticky header, if it has one. */
  readonly stickyKey?: string;
}

export interface Routed {
  readonly primary: Lease;
  /** Leases on the shadow versions; the caller mirrors the request to them and releases them. */
  readonly shadows: readonly Lease[];
}

const NO_SHADOWS: readonly Lease[] = Object.freeze([]);

const notReady = (name: string) =>
  new SlipwayError('TEMPORARILY_UNAVAILABLE', `The model '${name}' has no version ready to serve.`, {
    hint: 'Wait for the model to load; GET /v2/health/ready answers when it is.',
  });

/**
 * One served model: its loaded versions and the traffic policy over them. Changing versions or policy is one
 * synchronous switch; versions no longer used are then retired (their in-flight requests finish first).
 */
export class ModelDeployment {
  readonly name: string;
  readonly #random: () => number;
  #versions = new Map<string, ServedVersion>();
  #policy: TrafficPolicy | undefined;

  constructor(name: string, random: () => number = Math.random) {
    this.name = name;
    this.#random = random;
  }

  get policy(): TrafficPolicy | undefined {
    return this.#policy;
  }

  get ready(): boolean {
    return this.#policy !== undefined;
  }

  /** The versions, live ones first, in policy order. */
  versions(): ServedVersion[] {
    return [...this.#versions.values()];
  }

  find(version: string): ServedVersion | undefined {
    return this.#versions.get(version);
  }

  /** The version named (RESOURCE_DOES_NOT_EXIST if not loaded), or the one taking the largest share of traffic. */
  describe(version?: string): ServedVersion {
    if (version !== undefined) return this.#known(version);
    const routes = [...(this.#policy?.routes ?? [])].sort((a, b) => b.weight - a.weight);
    const served = this.#versions.get(routes[0]?.version ?? '');
    if (served === undefined) throw notReady(this.name);
    return served;
  }

  route(request: RouteRequest = {}): Routed {
    const policy = this.#policy;
    if (policy === undefined) throw notReady(this.name);
    if (request.version !== undefined) return { primary: this.#pinned(request.version), shadows: [] };
    const sticky = policy.stickyHeader === undefined ? undefined : request.stickyKey;
    const fraction = sticky === undefined ? this.#random() : stickyFraction(sticky);
    const primary = this.#lease(pickRoute(policy.routes, fraction));
    const shadow = policy.shadow;
    const shadows = shadow === undefined || shadow.length === 0 ? NO_SHADOWS : shadow.map((v) => this.#lease(v));
    return { primary, shadows };
  }

  /**
   * Adds `versions`, switches to `policy` at once, then retires (drains and closes) every version the policy no
   * longer names. Resolves when the retired versions are closed; requests are served by the new policy from the
   * moment this is called.
   */
  async apply(versions: readonly ServedVersion[], policy: TrafficPolicy): Promise<void> {
    const checked = checkTrafficPolicy(policy);
    const next = new Map(this.#versions);
    // A version loaded again under the same name (a folder reloaded) replaces the old one, which is retired.
    const replaced = versions.flatMap((served) => {
      const old = next.get(served.version);
      return old !== undefined && old !== served ? [old] : [];
    });
    for (const served of versions) next.set(served.version, served);
    const wanted = policyVersions(checked);
    const missing = [...wanted].filter((v) => !next.has(v));
    if (missing.length > 0)
      throw notFound(`The traffic policy names versions that are not loaded: ${missing.join(', ')}.`);
    const retired = [...replaced, ...[...next.values()].filter((served) => !wanted.has(served.version))];
    for (const served of retired) if (next.get(served.version) === served) next.delete(served.version);
    this.#versions = next;
    this.#policy = checked;
    await Promise.all(retired.map((served) => served.retire()));
  }

  /** Stops routing (requests get 503) and retires every version. */
  async close(): Promise<void> {
    const all = [...this.#versions.values()];
    this.#policy = undefined;
    this.#versions = new Map();
    await Promise.all(all.map((served) => served.retire()));
  }

  #pinned(version: string): Lease {
    return this.#known(version).lease();
  }

  #known(version: string): ServedVersion {
    const served = this.#versions.get(version);
    if (served !== undefined) return served;
    throw notFound(`The model '${this.name}' has no version ${quoted(version)} loaded.`, {
      hint: `Loaded versions: ${[...this.#versions.keys()].join(', ') || 'none'}.`,
    });
  }

  #lease(version: string): Lease {
    const served = this.#versions.get(version);
    if (served === undefined) throw notReady(this.name);
    return served.lease();
  }
}
