import { parsePayload } from '../../storage/metadata/json-payload.js';
import type { DeploymentRevisionRow, DeploymentRow, ReleaseRow } from '../../storage/metadata/schema.js';
import type {
  Deployment,
  DeploymentAction,
  DeploymentPolicy,
  DeploymentRevision,
  DeploymentTarget,
  Release,
  ReleaseStatus,
} from './deployment-types.js';

/** A plain JSON copy: no undefined members, no shared references with the caller's object. */
export const plainJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const optional = <K extends string>(key: K, value: string | null) =>
  (value === null ? {} : { [key]: value }) as { [P in K]?: string };

/** A stored revision (either table) as the port shows it; damaged JSON is DATA_LOSS naming the row. */
export function toRevision(row: Omit<DeploymentRevisionRow, 'time'>, time: number): DeploymentRevision {
  const what = `deployment ${row.model}/${row.environment} revision ${row.revision}`;
  return {
    model: row.model,
    environment: row.environment,
    revision: Number(row.revision),
    target: parsePayload(row.target, `${what} (target)`) as unknown as DeploymentTarget,
    policy: parsePayload(row.policy, `${what} (policy)`) as unknown as DeploymentPolicy,
    action: row.action as DeploymentAction,
    ...optional('reason', row.reason),
    ...optional('releaseId', row.release_id),
    actor: row.actor,
    time: Number(time),
  };
}

export const toDeployment = (row: DeploymentRow): Deployment => ({
  ...toRevision(row, row.updated_at),
  createdAt: Number(row.created_at),
});

export const toRelease = (row: ReleaseRow): Release => ({
  id: row.id,
  model: row.model,
  ...optional('version', row.version),
  target: row.target,
  status: row.status as ReleaseStatus,
  actor: row.actor,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});
