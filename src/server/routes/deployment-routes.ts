import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  createReleaseRequestSchema,
  DEPLOYMENTS_API_PATH,
  historyQuerySchema,
  listDeploymentsQuerySchema,
  listReleasesQuerySchema,
  putDeploymentRequestSchema,
  RELEASES_API_PATH,
  recordStepRequestSchema,
  updateReleaseRequestSchema,
} from '../../contract/deployments-api.js';
import { notDeployed } from '../../deploy/deployments/deployment-errors.js';
import type { DeploymentsClient } from '../../deploy/deployments/deployments-client.js';
import {
  deploymentMessage,
  fromPolicyMessage,
  fromTargetMessage,
  releaseMessage,
  releaseStepMessage,
  revisionMessage,
} from '../../deploy/deployments/deployments-wire.js';
import { createSqlDeploymentsClient } from '../../deploy/deployments/sql-deployments-client.js';
import type { AppDeps } from '../app-deps.js';
import { parseBody, parseQuery } from './mlflow/parse-request.js';
import { requestActor } from './mlflow/registry-request.js';

const ONE = `${DEPLOYMENTS_API_PATH}/:model/:environment`;
const RELEASE = `${RELEASES_API_PATH}/:id`;

/** Fastify's router has already percent-decoded the segments; the use cases validate what they decode to. */
const deploymentParams = (request: FastifyRequest) => {
  const params = request.params as { model?: string; environment?: string };
  return { model: params.model ?? '', environment: params.environment ?? '' };
};
const releaseId = (request: FastifyRequest) => (request.params as { id?: string }).id ?? '';

type ClientOf = (request: FastifyRequest) => DeploymentsClient;

function registerDeploymentReads(app: FastifyInstance, clientOf: ClientOf): void {
  app.get(DEPLOYMENTS_API_PATH, async (request) => {
    const filter = parseQuery(listDeploymentsQuerySchema, request.query);
    return { deployments: (await clientOf(request).listDeployments(filter)).map(deploymentMessage) };
  });
  app.get(ONE, async (request) => {
    const { model, environment } = deploymentParams(request);
    const deployment = await clientOf(request).getDeployment(model, environment);
    if (deployment === undefined) throw notDeployed(model, environment);
    return { deployment: deploymentMessage(deployment) };
  });
  app.get(`${ONE}/history`, async (request) => {
    const query = parseQuery(historyQuerySchema, request.query);
    const page = await clientOf(request).listDeploymentHistory({
      ...deploymentParams(request),
      maxResults: query.max_results,
      pageToken: query.page_token,
    });
    return {
      revisions: page.items.map(revisionMessage),
      ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }),
    };
  });
}

function registerDeploymentWrites(app: FastifyInstance, clientOf: ClientOf): void {
  app.put(ONE, async (request) => {
    const body = parseBody(putDeploymentRequestSchema, request.body);
    const deployment = await clientOf(request).applyDeployment({
      ...deploymentParams(request),
      target: body.target === undefined ? undefined : fromTargetMessage(body.target),
      policy: fromPolicyMessage(body.policy),
      action: body.action,
      reason: body.reason,
      releaseId: body.release_id,
      expectedRevision: body.expected_revision,
    });
    return { deployment: deploymentMessage(deployment) };
  });
  app.delete(ONE, async (request, reply) => {
    const { model, environment } = deploymentParams(request);
    await clientOf(request).deleteDeployment(model, environment);
    return reply.code(204).send();
  });
}

function registerReleaseRoutes(app: FastifyInstance, clientOf: ClientOf): void {
  app.post(RELEASES_API_PATH, async (request, reply) => {
    const body = parseBody(createReleaseRequestSchema, request.body);
    return reply.code(201).send({ release: releaseMessage(await clientOf(request).createRelease(body)) });
  });
  app.get(RELEASES_API_PATH, async (request) => {
    const query = parseQuery(listReleasesQuerySchema, request.query);
    const filter = { model: query.model, status: query.status, maxResults: query.max_results };
    return { releases: (await clientOf(request).listReleases(filter)).map(releaseMessage) };
  });
  app.get(RELEASE, async (request) => ({
    release: releaseMessage(await clientOf(request).getRelease(releaseId(request))),
  }));
  app.patch(RELEASE, async (request) => {
    const body = parseBody(updateReleaseRequestSchema, request.body);
    return { release: releaseMessage(await clientOf(request).updateRelease(releaseId(request), body)) };
  });
  app.post(`${RELEASE}/steps`, async (request, reply) => {
    const body = parseBody(recordStepRequestSchema, request.body);
    const step = await clientOf(request).recordReleaseStep({ ...body, releaseId: releaseId(request) });
    return reply.code(201).send({ step: releaseStepMessage(step) });
  });
  app.get(`${RELEASE}/steps`, async (request) => ({
    steps: (await clientOf(request).listReleaseSteps(releaseId(request))).map(releaseStepMessage),
  }));
}

/**
 * The native deployments and releases API (contract/deployments-api.ts; docs/deployments.md), over the SQL
 * adapter on the server's metadata store. Behind the same guards (Host allowlist, auth) as every route; every
 * change is audited with the request's principal as the actor.
 */
export function registerDeploymentRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'metadata'>): void {
  const clientOf: ClientOf = (request) =>
    createSqlDeploymentsClient({ metadata: deps.metadata, actor: requestActor(request) });
  registerDeploymentReads(app, clientOf);
  registerDeploymentWrites(app, clientOf);
  registerReleaseRoutes(app, clientOf);
}
