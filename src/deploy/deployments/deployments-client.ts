import type { Page } from '../../tracking/types.js';
import type {
  ApplyDeploymentInput,
  CreateReleaseInput,
  Deployment,
  DeploymentRevision,
  RecordReleaseStepInput,
  Release,
  ReleaseStatus,
  ReleaseStep,
  UpdateReleaseInput,
} from './deployment-types.js';

export interface DeploymentFilter {
  readonly model?: string | undefined;
  readonly environment?: string | undefined;
}

export interface ReleaseFilter {
  readonly model?: string | undefined;
  readonly status?: ReleaseStatus | undefined;
  /** 1-1000, default 100; newest first. */
  readonly maxResults?: number | undefined;
}

/**
 * Deployments and releases as the CLI, the SDK, the local supervisor and `slipway serve --deployment` see them,
 * whatever the tracking URI: SQL (sqlite:, postgresql:) or HTTP (a server's /api/v1/deployments and
 * /api/v1/releases). One contract suite (deployments-client.contract.ts) runs against every adapter.
 *
 * Every write is audited in the same transaction: a deployment change appends `deployment.<action>` about
 * `deployments/<model>/<environment>`; a release step appends `release.<step>.<status>` about `releases/<id>`.
 */
export interface DeploymentsClient {
  readonly uri: string;
  /** The deployment, or undefined when the model is not deployed to that environment. */
  getDeployment(model: string, environment: string): Promise<Deployment | undefined>;
  /** Every deployment matching the filter, ordered by model then environment. */
  listDeployments(filter?: DeploymentFilter): Promise<Deployment[]>;
  /** Writes the next revision (validated; RESOURCE_CONFLICT when `expectedRevision` is stale). */
  applyDeployment(input: ApplyDeploymentInput): Promise<Deployment>;
  /** Removes the deployment (its history stays in the audit log); RESOURCE_DOES_NOT_EXIST when absent. */
  deleteDeployment(model: string, environment: string): Promise<void>;
  /** The revisions, newest first. */
  listDeploymentHistory(input: {
    readonly model: string;
    readonly environment: string;
    readonly maxResults?: number | undefined;
    readonly pageToken?: string | undefined;
  }): Promise<Page<DeploymentRevision>>;
  createRelease(input: CreateReleaseInput): Promise<Release>;
  getRelease(id: string): Promise<Release>;
  updateRelease(id: string, input: UpdateReleaseInput): Promise<Release>;
  listReleases(filter?: ReleaseFilter): Promise<Release[]>;
  recordReleaseStep(input: RecordReleaseStepInput): Promise<ReleaseStep>;
  /** The release's steps, oldest first. */
  listReleaseSteps(releaseId: string): Promise<ReleaseStep[]>;
  close(): Promise<void>;
}
