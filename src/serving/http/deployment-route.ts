import type { FastifyInstance } from 'fastify';
import { notFound, SlipwayError } from '../../domain/errors.js';
import type { AppliedRevision, DeploymentStatus } from '../deployment/follow-deployment.js';

/** Where `GET /deployment` reads the followed deployment's state from (the deployment follower). */
export interface DeploymentStatusSource {
  status(): DeploymentStatus;
}

/** The wire shape of `GET /deployment` (snake_case, as the release flow reads it). */
export interface DeploymentStatusBody {
  readonly model: string;
  readonly environment: string;
  readonly revision: number;
  readonly policy: {
    readonly routes: { readonly version: string; readonly weight: number }[];
    readonly sticky_header?: string;
    readonly shadow?: string[];
  };
  readonly applied_at: number;
  readonly last_error?: string;
}

export function deploymentStatusBody(status: DeploymentStatus, applied: AppliedRevision): DeploymentStatusBody {
  const { policy } = applied;
  return {
    model: status.model,
    environment: status.environment,
    revision: applied.revision,
    policy: {
      routes: policy.routes.map((route) => ({ version: route.version, weight: route.weight })),
      ...(policy.stickyHeader === undefined ? {} : { sticky_header: policy.stickyHeader }),
      ...(policy.shadow === undefined || policy.shadow.length === 0 ? {} : { shadow: [...policy.shadow] }),
    },
    applied_at: applied.appliedAt,
    ...(status.lastError === undefined ? {} : { last_error: status.lastError }),
  };
}

/**
 * `GET /deployment`: the revision of the followed deployment that traffic follows now (200), 503 before the first
 * one is applied, 404 when this server serves a model rather than following a deployment.
 */
export function registerDeploymentRoute(app: FastifyInstance, source: DeploymentStatusSource | undefined): void {
  app.get('/deployment', async () => {
    if (source === undefined) {
      throw notFound('This server does not follow a deployment.', {
        hint: 'Start it with slipway serve --deployment <model>/<environment>.',
      });
    }
    const status = source.status();
    if (status.applied === undefined) {
      const why = status.lastError === undefined ? '' : ` ${status.lastError}`;
      throw new SlipwayError(
        'TEMPORARILY_UNAVAILABLE',
        `No revision of ${status.model}/${status.environment} is applied yet.${why}`,
        { hint: 'The server is loading the first revision; GET /deployment again shortly.' },
      );
    }
    return deploymentStatusBody(status, status.applied);
  });
}
