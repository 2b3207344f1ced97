import type { FastifyInstance } from 'fastify';
import {
  SUPERVISOR_API_PATH,
  type SupervisedProcessMessage,
  type SupervisorStatusResponse,
} from '../../contract/supervisor-api.js';
import type { SupervisedProcessStatus } from '../../deploy/local/supervisor-types.js';
import type { AppDeps } from '../app-deps.js';

export const renderSupervisedProcess = (status: SupervisedProcessStatus): SupervisedProcessMessage => ({
  model: status.model,
  environment: status.environment,
  host: status.host,
  port: status.port,
  ...(status.pid === undefined ? {} : { pid: status.pid }),
  state: status.state,
  restarts: status.restarts,
  ...(status.lastExit === undefined ? {} : { last_exit: { ...status.lastExit } }),
  ...(status.lastError === undefined ? {} : { last_error: status.lastError }),
  log_file: status.logFile,
});

/** `GET /api/v1/supervisor`: the local deployments' processes (an empty list when the server does not supervise). */
export function registerSupervisorRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'supervisor'>): void {
  app.get(
    SUPERVISOR_API_PATH,
    async (): Promise<SupervisorStatusResponse> => ({
      processes: (deps.supervisor?.status() ?? []).map(renderSupervisedProcess),
    }),
  );
}
