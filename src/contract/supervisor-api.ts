/**
 * The local supervisor's state (docs/deploy.md, "Local target"), read-only:
 *   GET /api/v1/supervisor   {processes} — one entry per local deployment `slipway server` runs; [] when it does not
 *                            supervise (`--no-supervise`, `deployments.supervise: false`)
 */
export const SUPERVISOR_API_PATH = '/api/v1/supervisor';

export type SupervisedProcessStateMessage = 'starting' | 'healthy' | 'unhealthy' | 'backoff' | 'stopped' | 'failed';

export interface SupervisedProcessMessage {
  readonly model: string;
  readonly environment: string;
  readonly host: string;
  readonly port: number;
  readonly pid?: number;
  readonly state: SupervisedProcessStateMessage;
  readonly restarts: number;
  /** How the last child ended: its exit code, or the signal; time in milliseconds since the epoch. */
  readonly last_exit?: { readonly code: number | null; readonly signal: string | null; readonly time: number };
  readonly last_error?: string;
  /** The child's log file on the server's machine. */
  readonly log_file: string;
}

export interface SupervisorStatusResponse {
  readonly processes: readonly SupervisedProcessMessage[];
}
