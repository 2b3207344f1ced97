import { ServingMetrics } from '../../../serving/serving-metrics.js';
import type { DeploymentsClient } from '../../deployments/deployments-client.js';
import { type DeploymentFollower, followDeployment } from './deployment-follower.js';

/** How one version answers in the simulation: its status and latency. */
export interface SimulatedBehaviour {
  readonly status: number;
  readonly seconds: number;
}

export interface SimulatedServing extends DeploymentFollower {
  /** Changes how a version answers from now on (default: 200 in 5 ms). */
  behave(version: string, behaviour: SimulatedBehaviour): void;
  /** The process restarts: every counter starts again from zero. */
  restart(): void;
  /** The next `count` scrapes fail (the process is briefly unreachable). */
  failScrapes(count: number): void;
  /** The requests simulated so far, by version. */
  readonly served: ReadonlyMap<string, number>;
}

/**
 * A serving process without models: follows a deployment (GET /deployment) and, at each GET /metrics, first
 * "answers" `requestsPerScrape` requests split by the applied policy's weights, observed by the real
 * ServingMetrics class and rendered by it. Deterministic, so tests of the rollout decisions need no real load.
 */
export async function simulatedServing(options: {
  readonly client: DeploymentsClient;
  readonly model: string;
  readonly environment: string;
  readonly requestsPerScrape?: number;
}): Promise<SimulatedServing> {
  let metrics = new ServingMetrics();
  let routes: readonly { readonly version: string; readonly weight: number }[] = [];
  let failing = 0;
  const behaviours = new Map<string, SimulatedBehaviour>();
  const served = new Map<string, number>();
  const simulate = () => {
    for (const route of routes) {
      const count = Math.round(((options.requestsPerScrape ?? 100) * route.weight) / 100);
      const { status, seconds } = behaviours.get(route.version) ?? { status: 200, seconds: 0.005 };
      for (let i = 0; i < count; i++) {
        metrics.observeRequest({
          model: options.model,
          version: route.version,
          endpoint: '/invocations',
          status,
          seconds,
        });
      }
      served.set(route.version, (served.get(route.version) ?? 0) + count);
    }
  };
  const follower = await followDeployment({
    ...options,
    apply: async (deployment) => {
      routes = deployment.policy.routes;
    },
    metrics: async () => {
      if (failing > 0) {
        failing -= 1;
        return undefined;
      }
      simulate();
      return metrics.text();
    },
  });
  return {
    url: follower.url,
    get revision() {
      return follower.revision;
    },
    close: () => follower.close(),
    behave: (version, behaviour) => behaviours.set(version, behaviour),
    restart: () => {
      metrics = new ServingMetrics();
    },
    failScrapes: (count) => {
      failing = count;
    },
    served,
  };
}
