import type {
  Release,
  ReleaseStep,
  ReleaseStepName,
  ReleaseStepStatus,
} from '../../deploy/deployments/deployment-types.js';
import type { DeploymentsClient } from '../../deploy/deployments/deployments-client.js';
import type { RolloutEvent } from '../../deploy/rollout/rollout-types.js';
import type { EnvironmentConfig, ModelReleaseConfig, ReleaseConfig } from './release-config.js';

/** What a step implementation reports. */
export interface StepOutcome {
  readonly passed: boolean;
  /** Measured values, gate results, messages: recorded with the step (a JSON object, ≤ 1 MiB). */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  /** Why it failed, in a sentence for the user (recorded with the details). */
  readonly message?: string | undefined;
}

export interface RegisterOutcome extends StepOutcome {
  /** The registry version (MLflow's number, "7") the model was registered as. Required when passed. */
  readonly version?: string | undefined;
}

export interface ReleaseStepContext {
  readonly releaseId: string;
  readonly model: ModelReleaseConfig;
  readonly config: ReleaseConfig;
}

export interface VersionStepContext extends ReleaseStepContext {
  readonly version: string;
}

export interface EnvironmentStepContext extends VersionStepContext {
  readonly environment: EnvironmentConfig;
  /** Where the environment's serving process answers. */
  readonly url: string;
}

/**
 * The work of each release step, wired by the composition root (the CLI): the state machine in run-release.ts
 * decides the order, records every start and outcome, and handles deployment, rollout and rollback itself.
 * A step that throws is recorded as failed with the error's code, message and hint.
 */
export interface ReleaseSteps {
  /** Brings the pipeline up to date (`slipway repro`): afterwards the model folder is the candidate. */
  repro(context: ReleaseStepContext): Promise<StepOutcome>;
  /** Registers the model folder as a version of the model (or finds the version that has the same digest). */
  register(context: ReleaseStepContext): Promise<RegisterOutcome>;
  /** The model's gates (thresholds, champion/challenger, evaluation) for the version. */
  gates(context: VersionStepContext): Promise<StepOutcome>;
  /** The environment's smoke tests against its serving endpoint (called only when it has some). */
  smoke(context: EnvironmentStepContext): Promise<StepOutcome>;
  /**
   * Optional: after an environment serves the version and passed its smoke tests — e.g. move the registry alias
   * named after the environment. A throw fails the release (the version stays deployed).
   */
  deployed?(context: EnvironmentStepContext): Promise<void>;
}

export interface RunReleaseInput {
  readonly client: DeploymentsClient;
  readonly config: ReleaseConfig;
  readonly steps: ReleaseSteps;
  /** `--to`: the last environment; the environments before it in the file are deployed first, in order. */
  readonly to: string;
  /** How long a serving process may take to apply a revision (default 120 s). */
  readonly applyTimeoutMs?: number | undefined;
  /** Between two looks at a serving process's GET /deployment (default 100 ms). */
  readonly pollMs?: number | undefined;
  readonly clock?: (() => number) | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Every recorded step, as it is recorded (progress for the CLI). */
  readonly onProgress?: ((step: ReleaseStep) => void) | undefined;
  /** Every rollout event, intervals included (live figures for the CLI). */
  readonly onRollout?: ((environment: string, event: RolloutEvent) => void) | undefined;
  /** The command shown to continue after a manual approval (default `slipway release approve <id>`). */
  readonly resumeCommand?: ((releaseId: string) => string) | undefined;
}

export interface ResumeReleaseInput extends Omit<RunReleaseInput, 'to'> {
  readonly releaseId: string;
}

export interface ReleaseResult {
  /** The release as it ended (or paused): status succeeded, awaiting_approval, failed or rolled_back. */
  readonly release: Release;
  readonly version?: string | undefined;
  /** Where the release stopped, when it did not succeed. */
  readonly stopped?:
    | {
        readonly step: ReleaseStepName;
        readonly environment?: string | undefined;
        readonly message: string;
      }
    | undefined;
  /** awaiting_approval: the environment waiting and the command that continues once a person approved it. */
  readonly next?: { readonly environment: string; readonly command: string } | undefined;
}

/** Records steps of one release (and reports them as progress). */
export interface ReleaseRecorder {
  readonly releaseId: string;
  record(
    step: ReleaseStepName,
    status: ReleaseStepStatus,
    environment?: string,
    details?: Readonly<Record<string, unknown>>,
  ): Promise<void>;
}

export interface PromoteReleaseInput extends Omit<RunReleaseInput, 'to'> {
  /** The environment whose serving version is promoted (its primary version). */
  readonly from: string;
  /** The environment it goes to (its rollout, smoke tests and alias apply). */
  readonly to: string;
}
