import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deployment } from '../deployments/deployment-types.js';
import { defaultChildCommand } from './default-child-command.js';
import { logFileName } from './log-file-name.js';
import { SupervisedProcess, type SupervisedProcessDeps } from './supervised-process.js';
import {
  DEFAULT_SUPERVISOR_TIMINGS,
  type LocalSupervisorOptions,
  type SupervisedProcessStatus,
  type SupervisorTimings,
} from './supervisor-types.js';

/**
 * Runs one `slipway serve --deployment <model>/<environment>` process per deployment whose target is `local`, and
 * keeps the set in line with the deployments store: every poll interval it starts the missing, restarts those whose
 * host or port changed, and stops those no longer deployed. A new revision is not a restart: the child follows its
 * deployment and swaps models itself. Each child is health-checked and restarted with backoff when it exits or hangs.
 */
export interface LocalSupervisor {
  /** Creates the log folder, reconciles once, then every poll interval until stop(). */
  start(): Promise<void>;
  /** One reconciliation now (rejects when the deployments cannot be listed). Reconciliations never overlap. */
  reconcile(): Promise<void>;
  /** Every supervised process, ordered by model then environment. */
  status(): SupervisedProcessStatus[];
  /** Stops polling and every child (SIGTERM, SIGKILL after the grace period); resolves once all are gone. */
  stop(): Promise<void>;
}

/** Where `slipway server` and `slipway supervise` write the children's logs unless told otherwise: `<home>/logs`. */
export const defaultSupervisorLogDir = (home: string): string => join(home, 'logs');

const keyOf = (deployment: Pick<Deployment, 'model' | 'environment'>): string =>
  `${deployment.model}\u0000${deployment.environment}`;

/** A local target always has a port (the store validates it); one without is skipped rather than fatal. */
const isLocal = (deployment: Deployment): boolean =>
  deployment.target.kind === 'local' && deployment.target.port !== undefined;

export function createLocalSupervisor(options: LocalSupervisorOptions): LocalSupervisor {
  const timings = timingsOf(options);
  const processes = new Map<string, SupervisedProcess>();
  /** Removed deployments whose child is still stopping: not started again until it is gone. */
  const leaving = new Map<string, SupervisedProcess>();
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastProblem: string | undefined;

  const processDeps = (deployment: Deployment): SupervisedProcessDeps => ({
    timings,
    command: options.command ?? defaultChildCommand,
    trackingUri: options.trackingUri,
    logFile: join(options.logDir, logFileName(deployment.model, deployment.environment)),
    random: options.random ?? Math.random,
    log: options.log,
  });

  const remove = (key: string, entry: SupervisedProcess): void => {
    processes.delete(key);
    leaving.set(key, entry);
    void entry.stop().finally(() => {
      if (leaving.get(key) === entry) leaving.delete(key);
    });
  };

  const apply = (key: string, deployment: Deployment): void => {
    const existing = processes.get(key);
    if (existing !== undefined) existing.update(deployment);
    if (existing !== undefined || leaving.has(key)) return;
    const entry = new SupervisedProcess(deployment, processDeps(deployment));
    processes.set(key, entry);
    void entry.launch();
  };

  const reconcileOnce = async (): Promise<void> => {
    if (stopped) return;
    await mkdir(options.logDir, { recursive: true });
    const deployments = (await options.deployments.listDeployments()).filter(isLocal);
    if (stopped) return;
    const wanted = new Map(deployments.map((deployment) => [keyOf(deployment), deployment]));
    for (const [key, entry] of processes) if (!wanted.has(key)) remove(key, entry);
    for (const [key, deployment] of wanted) apply(key, deployment);
  };

  const reconcile = (): Promise<void> => {
    const next = chain.then(reconcileOnce);
    chain = next.catch(() => {});
    return next;
  };

  const report = (error: unknown): void => {
    const problem = error instanceof Error ? error.message : String(error);
    if (problem !== lastProblem) options.log?.('warn', `cannot list the deployments: ${problem}`);
    lastProblem = problem;
  };

  const poll = async (): Promise<void> => {
    try {
      await reconcile();
      lastProblem = undefined;
    } catch (error) {
      report(error);
    }
    if (!stopped) timer = setTimeout(() => void poll(), timings.pollIntervalMs);
  };

  return {
    async start() {
      await mkdir(options.logDir, { recursive: true });
      await poll();
    },
    reconcile,
    status() {
      return [...processes.values(), ...leaving.values()]
        .map((entry) => entry.status())
        .sort((a, b) => a.model.localeCompare(b.model) || a.environment.localeCompare(b.environment));
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await chain;
      await Promise.all([...processes.values(), ...leaving.values()].map((entry) => entry.stop()));
    },
  };
}

function timingsOf(options: LocalSupervisorOptions): SupervisorTimings {
  const names = Object.keys(DEFAULT_SUPERVISOR_TIMINGS) as (keyof SupervisorTimings)[];
  return Object.fromEntries(
    names.map((name) => [name, options[name] ?? DEFAULT_SUPERVISOR_TIMINGS[name]]),
  ) as unknown as SupervisorTimings;
}
