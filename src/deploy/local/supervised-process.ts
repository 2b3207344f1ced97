import { type ChildProcess, spawn } from 'node:child_process';
import type { Deployment } from '../deployments/deployment-types.js';
import { backoffDelay } from './backoff-delay.js';
import { endpointUrl, type LocalEndpoint, localEndpoint, sameEndpoint } from './local-endpoint.js';
import { probeHealth } from './probe-health.js';
import { probePort } from './probe-port.js';
import { RotatingLog } from './rotating-log.js';
import type {
  ChildCommandFactory,
  ProcessExit,
  SupervisedProcessState,
  SupervisedProcessStatus,
  SupervisorLog,
  SupervisorTimings,
} from './supervisor-types.js';

export interface SupervisedProcessDeps {
  readonly timings: SupervisorTimings;
  readonly command: ChildCommandFactory;
  readonly trackingUri: string;
  readonly logFile: string;
  readonly random: () => number;
  readonly log?: SupervisorLog | undefined;
}

/** Credentials in a URI on a command line (`postgresql://user:secret@db/…`) stay out of the log. */
const redact = (text: string): string => text.replace(/\/\/[^/@\s]*@/g, '//***@');

const describeExit = (exit: ProcessExit): string =>
  exit.signal === null ? `with code ${exit.code}` : `on signal ${exit.signal}`;

/**
 * One deployment's child process and its lifecycle: port check, spawn, health checks, kill and restart with
 * backoff, stop. Every transition is a line in its log file.
 */
export class SupervisedProcess {
  private deployment: Deployment;
  private endpoint: LocalEndpoint;
  private state: SupervisedProcessState = 'starting';
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private restarts = 0;
  /** Consecutive failures: the backoff exponent. */
  private failures = 0;
  private healthFailures = 0;
  private startedAt = 0;
  private healthySince: number | undefined;
  private lastExit: ProcessExit | undefined;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private launching = false;
  private stopping = false;
  /** Set while the child is being replaced after a host or port change: no backoff. */
  private moving = false;
  private killReason: string | undefined;
  private readonly file: RotatingLog;

  constructor(
    deployment: Deployment,
    private readonly deps: SupervisedProcessDeps,
  ) {
    this.deployment = deployment;
    this.endpoint = localEndpoint(deployment);
    this.file = new RotatingLog(deps.logFile, deps.timings.logMaxBytes);
  }

  status(): SupervisedProcessStatus {
    return {
      model: this.deployment.model,
      environment: this.deployment.environment,
      host: this.endpoint.host,
      port: this.endpoint.port,
      pid: this.child?.pid,
      state: this.state,
      restarts: this.restarts,
      lastExit: this.lastExit,
      lastError: this.lastError,
      logFile: this.deps.logFile,
    };
  }

  /**
   * The deployment's latest revision. A new host or port restarts the child there at once; a blocked port is
   * checked again; anything else (a new model version) the child applies itself.
   */
  update(deployment: Deployment): void {
    this.deployment = deployment;
    const endpoint = localEndpoint(deployment);
    if (sameEndpoint(endpoint, this.endpoint)) {
      if (this.state === 'failed') void this.launch();
      return;
    }
    this.endpoint = endpoint;
    this.failures = 0;
    this.note(`host/port changed to ${endpoint.host}:${endpoint.port}: restarting`);
    if (this.child === undefined) {
      this.clearTimer();
      void this.launch();
      return;
    }
    this.moving = true;
    this.terminate(this.child);
  }

  /** Starts the child unless its port is taken (then the state is `failed` until a later update finds it free). */
  async launch(): Promise<void> {
    if (this.stopping || this.child !== undefined || this.launching) return;
    this.launching = true;
    try {
      const probe = await probePort(this.endpoint);
      if (this.stopping || this.child !== undefined) return;
      if (probe.free) this.spawnChild();
      else this.block(probe.reason);
    } catch (error) {
      this.block(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.launching = false;
    }
  }

  /** SIGTERM, SIGKILL after the grace period; resolves once the child is gone. No restart follows. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.clearTimer();
    this.state = 'stopped';
    const child = this.child;
    if (child !== undefined) {
      this.note(`stopping pid ${child.pid}`);
      this.terminate(child);
    }
    await this.exited;
    this.file.close();
  }

  private block(reason: string): void {
    if (this.state !== 'failed' || this.lastError !== reason) this.note(`not started: ${reason}`, 'warn');
    this.state = 'failed';
    this.lastError = reason;
  }

  /** Spawns the child (a command that cannot be built or spawned throws, and launch() reports it). */
  private spawnChild(): void {
    const { program, args, env } = this.deps.command(this.deployment, this.deps.trackingUri);
    const child = spawn(program, [...args], { env, shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.state = 'starting';
    this.startedAt = Date.now();
    this.healthFailures = 0;
    this.healthySince = undefined;
    this.killReason = undefined;
    child.stdout?.on('data', (chunk: Buffer) => this.file.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.file.write(chunk));
    this.exited = this.watchExit(child, program);
    if (child.pid !== undefined) this.note(`started pid ${child.pid}: ${redact([program, ...args].join(' '))}`);
    this.scheduleHealth(child);
  }

  /** Resolves once the child has exited and its output is in the log (or it could not be started at all). */
  private watchExit(child: ChildProcess, program: string): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: string | null, error?: string) => {
        if (done) return;
        done = true;
        this.onExit(child, { code, signal, time: Date.now() }, error);
        resolve();
      };
      child.on('close', (code, signal) => finish(code, signal));
      child.on('error', (error) => {
        if (child.pid === undefined) finish(null, null, `cannot start ${program}: ${error.message}`);
      });
    });
  }

  private onExit(child: ChildProcess, exit: ProcessExit, startError?: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.clearTimer();
    if (startError === undefined) {
      this.lastExit = exit;
      this.note(`pid ${child.pid} exited ${describeExit(exit)}`);
    }
    if (this.stopping) {
      this.state = 'stopped';
      return;
    }
    if (this.moving) {
      this.moving = false;
      this.restarts += 1;
      void this.launch();
      return;
    }
    this.lastError = this.killReason ?? startError ?? `exited ${describeExit(exit)}`;
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    this.failures += 1;
    const delay = backoffDelay(this.failures, this.deps.timings, this.deps.random);
    this.state = 'backoff';
    this.note(`restarting in ${delay} ms (${this.lastError})`, 'warn');
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.restarts += 1;
      void this.launch();
    }, delay);
  }

  private scheduleHealth(child: ChildProcess): void {
    this.timer = setTimeout(() => void this.checkHealth(child), this.deps.timings.healthIntervalMs);
  }

  private async checkHealth(child: ChildProcess): Promise<void> {
    this.timer = undefined;
    const result = await probeHealth(endpointUrl(this.endpoint), this.deps.timings.healthTimeoutMs);
    const current = () => this.child === child && !this.stopping && !this.moving && this.killReason === undefined;
    if (!current()) return;
    if (result.ok) this.onHealthy();
    else this.onUnhealthy(child, result.error);
    if (current()) this.scheduleHealth(child);
  }

  private onHealthy(): void {
    const now = Date.now();
    this.healthFailures = 0;
    if (this.state !== 'healthy') {
      this.note(this.state === 'starting' ? `healthy after ${now - this.startedAt} ms` : 'healthy again');
      this.state = 'healthy';
    }
    this.healthySince ??= now;
    if (now - this.healthySince >= this.deps.timings.backoffResetMs) this.failures = 0;
  }

  private onUnhealthy(child: ChildProcess, error: string): void {
    const { startTimeoutMs, unhealthyThreshold } = this.deps.timings;
    if (this.state === 'starting') {
      if (Date.now() - this.startedAt >= startTimeoutMs)
        this.kill(child, `not healthy within ${startTimeoutMs} ms (${error})`);
      return;
    }
    this.healthFailures += 1;
    this.healthySince = undefined;
    this.lastError = `health check failed: ${error}`;
    if (this.state === 'healthy') this.note(this.lastError, 'warn');
    this.state = 'unhealthy';
    if (this.healthFailures >= unhealthyThreshold) {
      this.kill(child, `${this.healthFailures} consecutive health checks failed (${error})`);
    }
  }

  private kill(child: ChildProcess, reason: string): void {
    this.killReason = reason;
    this.note(`killing pid ${child.pid}: ${reason}`, 'warn');
    this.terminate(child);
  }

  private terminate(child: ChildProcess): void {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), this.deps.timings.stopGraceMs);
    child.once('exit', () => clearTimeout(force));
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private note(message: string, level: 'info' | 'warn' = 'info'): void {
    this.file.line(message);
    this.deps.log?.(level, `${this.deployment.model}/${this.deployment.environment}: ${message}`);
  }
}
