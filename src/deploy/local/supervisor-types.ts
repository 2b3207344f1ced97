import type { Deployment } from '../deployments/deployment-types.js';
import type { DeploymentsClient } from '../deployments/deployments-client.js';

/**
 * starting: spawned, not yet healthy · healthy · unhealthy: was healthy, failing checks · backoff: waiting to restart
 * · stopped: stopping or stopped on purpose · failed: cannot start (its port is taken by another process).
 */
export const SUPERVISED_PROCESS_STATES = ['starting', 'healthy', 'unhealthy', 'backoff', 'stopped', 'failed'] as const;
export type SupervisedProcessState = (typeof SUPERVISED_PROCESS_STATES)[number];

/** How a child ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/** One supervised `slipway serve` process, as `status()` and GET /api/v1/supervisor report it. */
export interface SupervisedProcessStatus {
  readonly model: string;
  readonly environment: string;
  readonly host: string;
  readonly port: number;
  readonly pid?: number | undefined;
  readonly state: SupervisedProcessState;
  /** How many times it was started again (after an exit, a failed health check or a host/port change). */
  readonly restarts: number;
  readonly lastExit?: ProcessExit | undefined;
  readonly lastError?: string | undefined;
  /** Its stdout and stderr, with the supervisor's own lines about it. */
  readonly logFile: string;
}

/** A program and its argv (never run through a shell) with its environment. */
export interface ChildCommand {
  readonly program: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** The command serving one deployment; `trackingUri` is where it reads the deployment and the models. */
export type ChildCommandFactory = (deployment: Deployment, trackingUri: string) => ChildCommand;

/** Intervals and limits, all in milliseconds unless named otherwise. */
export interface SupervisorTimings {
  /** How often the deployments are listed and reconciled (default 2000). */
  readonly pollIntervalMs: number;
  /** How often each child's /health is called (default 2000). */
  readonly healthIntervalMs: number;
  /** A health check not answered within this fails (default 1000). */
  readonly healthTimeoutMs: number;
  /** Consecutive failed checks, after having been healthy, that get a child restarted (default 3). */
  readonly unhealthyThreshold: number;
  /** A child not healthy this long after it started is restarted (default 60000). */
  readonly startTimeoutMs: number;
  /** The first restart delay; doubled for each consecutive failure (default 1000). */
  readonly backoffInitialMs: number;
  /** The longest restart delay (default 30000). */
  readonly backoffMaxMs: number;
  /** A child healthy this long has its backoff reset to the first delay (default 60000). */
  readonly backoffResetMs: number;
  /** Random extra delay, as a fraction of the delay (default 0.2: up to 20% more). */
  readonly backoffJitter: number;
  /** After SIGTERM, wait this long before SIGKILL (default 10000). */
  readonly stopGraceMs: number;
  /** A log file past this many bytes is rotated to `<file>.1` (default 10 MiB). */
  readonly logMaxBytes: number;
}

export const DEFAULT_SUPERVISOR_TIMINGS: SupervisorTimings = {
  pollIntervalMs: 2000,
  healthIntervalMs: 2000,
  healthTimeoutMs: 1000,
  unhealthyThreshold: 3,
  startTimeoutMs: 60_000,
  backoffInitialMs: 1000,
  backoffMaxMs: 30_000,
  backoffResetMs: 60_000,
  backoffJitter: 0.2,
  stopGraceMs: 10_000,
  logMaxBytes: 10 * 1024 * 1024,
};

/** Supervisor-wide messages: children started and stopped, a deployments store that does not answer. */
export type SupervisorLog = (level: 'info' | 'warn', message: string) => void;

export interface LocalSupervisorOptions extends Partial<SupervisorTimings> {
  readonly deployments: DeploymentsClient;
  /** Given to each child (`--tracking-uri`). */
  readonly trackingUri: string;
  /** Where `<model>-<environment>.log` files go (created if missing). */
  readonly logDir: string;
  /** Default: this Slipway CLI, `serve --deployment <model>/<environment> …` (defaultChildCommand). */
  readonly command?: ChildCommandFactory;
  readonly log?: SupervisorLog;
  /** For the backoff jitter (default Math.random). */
  readonly random?: () => number;
}
