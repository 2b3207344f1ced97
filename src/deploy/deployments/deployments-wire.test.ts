import { describe, expect, it } from 'vitest';
import {
  deploymentMessageSchema,
  WIRE_DEPLOYMENT_ACTIONS,
  WIRE_RELEASE_STATUSES,
  WIRE_RELEASE_STEP_STATUSES,
  WIRE_RELEASE_STEPS,
  WIRE_TARGET_KINDS,
} from '../../contract/deployments-api.js';
import {
  DEPLOYMENT_ACTIONS,
  DEPLOYMENT_TARGET_KINDS,
  type Deployment,
  RELEASE_STATUSES,
  RELEASE_STEP_STATUSES,
  RELEASE_STEPS,
} from './deployment-types.js';
import { deploymentMessage, fromDeploymentMessage } from './deployments-wire.js';

describe('deployments wire', () => {
  it('names the same closed sets as the domain', () => {
    expect(WIRE_TARGET_KINDS).toEqual(DEPLOYMENT_TARGET_KINDS);
    expect(WIRE_DEPLOYMENT_ACTIONS).toEqual(DEPLOYMENT_ACTIONS);
    expect(WIRE_RELEASE_STEPS).toEqual(RELEASE_STEPS);
    expect(WIRE_RELEASE_STEP_STATUSES).toEqual(RELEASE_STEP_STATUSES);
    expect(WIRE_RELEASE_STATUSES).toEqual(RELEASE_STATUSES);
  });

  it('round-trips a deployment through snake_case and leaves absent fields out', () => {
    const deployment: Deployment = {
      model: 'wine',
      environment: 'production',
      revision: 4,
      target: { kind: 'kubernetes', namespace: 'ml', replicas: 3, url: 'https://wine.example.com' },
      policy: { routes: [{ version: '3', weight: 100 }], stickyHeader: 'x-user', shadow: ['4'] },
      action: 'promote',
      releaseId: 'f'.repeat(32),
      actor: 'ci',
      time: 20,
      createdAt: 10,
    };
    const message = deploymentMessage(deployment);
    expect(message).toMatchObject({ release_id: 'f'.repeat(32), created_at: 10, policy: { sticky_header: 'x-user' } });
    expect('reason' in message).toBe(false);
    expect(fromDeploymentMessage(deploymentMessageSchema.parse(JSON.parse(JSON.stringify(message))))).toEqual(
      deployment,
    );
  });
});
