import { z } from 'zod';
import {
  DEPLOYMENTS_API_PATH,
  getDeploymentResponseSchema,
  historyResponseSchema,
  listDeploymentsResponseSchema,
  listReleaseStepsResponseSchema,
  listReleasesResponseSchema,
  type PutDeploymentRequest,
  RELEASES_API_PATH,
  releaseResponseSchema,
  releaseStepResponseSchema,
} from '../contract/deployments-api.js';
import type { ApplyDeploymentInput } from '../deploy/deployments/deployment-types.js';
import type { DeploymentsClient } from '../deploy/deployments/deployments-client.js';
import {
  fromDeploymentMessage,
  fromReleaseMessage,
  fromReleaseStepMessage,
  fromRevisionMessage,
  policyMessage,
  targetMessage,
} from '../deploy/deployments/deployments-wire.js';
import { invalidParameter, isSlipwayError } from '../domain/errors.js';
import { DEFAULT_TIMEOUT_MS, errorFromBody, errorFromFailure, parseOk } from './mlflow-http.js';

export interface HttpDeploymentsClientOptions {
  /** `http(s)://host:port[/prefix]` of a Slipway server. */
  readonly baseUrl: string;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number | undefined;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
}

type Method = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/**
 * One path segment, percent-encoded: registered model names may hold spaces, `%`, `?`, `#`. An empty one would
 * name another route, and `.` or `..` (even encoded) are resolved away by URL parsing, so those are refused here;
 * the server validates the rest.
 */
function segment(value: string, field: string): string {
  if (value === '') throw invalidParameter(`Missing value for required parameter '${field}'.`);
  if (value === '.' || value === '..') {
    throw invalidParameter(`Invalid ${field} '${value}': it cannot be sent in a URL path.`, {
      hint: 'Rename the model, or use a sqlite: or postgresql: tracking URI.',
    });
  }
  return encodeURIComponent(value);
}

const query = (fields: Record<string, string | number | undefined>): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
};

const putBody = (input: ApplyDeploymentInput): PutDeploymentRequest => ({
  ...(input.target === undefined ? {} : { target: targetMessage(input.target) }),
  policy: policyMessage(input.policy),
  action: input.action,
  ...(input.reason === undefined ? {} : { reason: input.reason }),
  ...(input.releaseId === undefined ? {} : { release_id: input.releaseId }),
  ...(input.expectedRevision === undefined ? {} : { expected_revision: input.expectedRevision }),
});

/** The deployments port over a server's native API (contract/deployments-api.ts). */
export function createHttpDeploymentsClient(options: HttpDeploymentsClientOptions): DeploymentsClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  async function call<S extends z.ZodType>(method: Method, path: string, schema: S, body?: unknown) {
    const url = `${base}${path}`;
    const json: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { ...auth, ...json },
        signal: AbortSignal.timeout(timeoutMs),
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch (error) {
      throw errorFromFailure(options.baseUrl, url, error, timeoutMs);
    }
    const text = await response.text();
    if (!response.ok) throw errorFromBody(url, response.status, text);
    return parseOk(url, text, schema) as z.infer<S>;
  }
  const one = (model: string, environment: string) =>
    `${DEPLOYMENTS_API_PATH}/${segment(model, 'model')}/${segment(environment, 'environment')}`;
  const release = (id: string) => `${RELEASES_API_PATH}/${segment(id, 'id')}`;
  return {
    uri: base,
    async getDeployment(model, environment) {
      try {
        return fromDeploymentMessage(
          (await call('GET', one(model, environment), getDeploymentResponseSchema)).deployment,
        );
      } catch (error) {
        if (isSlipwayError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
        throw error;
      }
    },
    async listDeployments(filter = {}) {
      const path = `${DEPLOYMENTS_API_PATH}${query({ model: filter.model, environment: filter.environment })}`;
      return (await call('GET', path, listDeploymentsResponseSchema)).deployments.map(fromDeploymentMessage);
    },
    async applyDeployment(input) {
      const path = one(input.model, input.environment);
      return fromDeploymentMessage((await call('PUT', path, getDeploymentResponseSchema, putBody(input))).deployment);
    },
    async deleteDeployment(model, environment) {
      await call('DELETE', one(model, environment), z.object({}));
    },
    async listDeploymentHistory(input) {
      const fields = { max_results: input.maxResults, page_token: input.pageToken };
      const page = await call(
        'GET',
        `${one(input.model, input.environment)}/history${query(fields)}`,
        historyResponseSchema,
      );
      const items = page.revisions.map(fromRevisionMessage);
      return page.next_page_token === undefined ? { items } : { items, nextPageToken: page.next_page_token };
    },
    createRelease: async (input) =>
      fromReleaseMessage((await call('POST', RELEASES_API_PATH, releaseResponseSchema, input)).release),
    getRelease: async (id) => fromReleaseMessage((await call('GET', release(id), releaseResponseSchema)).release),
    updateRelease: async (id, input) =>
      fromReleaseMessage((await call('PATCH', release(id), releaseResponseSchema, input)).release),
    async listReleases(filter = {}) {
      const fields = { model: filter.model, status: filter.status, max_results: filter.maxResults };
      const page = await call('GET', `${RELEASES_API_PATH}${query(fields)}`, listReleasesResponseSchema);
      return page.releases.map(fromReleaseMessage);
    },
    async recordReleaseStep(input) {
      const body = { step: input.step, status: input.status, environment: input.environment, details: input.details };
      const answer = await call('POST', `${release(input.releaseId)}/steps`, releaseStepResponseSchema, body);
      return fromReleaseStepMessage(answer.step);
    },
    listReleaseSteps: async (id) =>
      (await call('GET', `${release(id)}/steps`, listReleaseStepsResponseSchema)).steps.map(fromReleaseStepMessage),
    close: async () => {},
  };
}
