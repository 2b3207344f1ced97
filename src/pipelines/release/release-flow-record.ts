import type { ReleaseStepName } from '../../deploy/deployments/deployment-types.js';
import type { DeploymentsClient } from '../../deploy/deployments/deployments-client.js';
import { isSlipwayError } from '../../domain/errors.js';
import type { ReleaseRecorder, StepOutcome } from './release-flow-types.js';

export function releaseRecorder(
  client: DeploymentsClient,
  releaseId: string,
  onProgress: ((step: Awaited<ReturnType<DeploymentsClient['recordReleaseStep']>>) => void) | undefined,
): ReleaseRecorder {
  return {
    releaseId,
    async record(step, status, environment, details) {
      const recorded = await client.recordReleaseStep({
        releaseId,
        step,
        status,
        environment,
        details: details === undefined ? undefined : jsonDetails(details),
      });
      onProgress?.(recorded);
    },
  };
}

/** A step outcome from anything thrown: failed, with the error's code, message and hint as details. */
export function failedOutcome(error: unknown): StepOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const code = isSlipwayError(error) ? error.code : 'INTERNAL_ERROR';
  const hint = isSlipwayError(error) ? error.hint : undefined;
  return { passed: false, message, details: { error: { code, message, ...(hint === undefined ? {} : { hint }) } } };
}

/**
 * Records the step as started, runs it, and records its outcome (passed or failed, with its details and message).
 * A throw is a failed outcome; failures of the recording itself propagate.
 */
export async function runStep<T extends StepOutcome>(
  recorder: ReleaseRecorder,
  step: ReleaseStepName,
  environment: string | undefined,
  work: () => Promise<T>,
): Promise<T | StepOutcome> {
  await recorder.record(step, 'started', environment);
  let outcome: T | StepOutcome;
  try {
    outcome = await work();
  } catch (error) {
    outcome = failedOutcome(error);
  }
  const details = {
    ...(outcome.details ?? {}),
    ...(outcome.message === undefined ? {} : { message: outcome.message }),
  };
  await recorder.record(step, outcome.passed ? 'passed' : 'failed', environment, details);
  return outcome;
}

/** Keeps the audit record bounded: at most `max` entries, the last ones, with how many were left out. */
export function lastEntries<T>(entries: readonly T[], max = 120): { entries: readonly T[]; omitted?: number } {
  if (entries.length <= max) return { entries };
  return { entries: entries.slice(-max), omitted: entries.length - max };
}

/**
 * Details as the store keeps them: plain JSON, so fields a step left undefined are dropped (as JSON.stringify
 * drops them) instead of refusing the whole record, and non-finite numbers become null.
 */
function jsonDetails(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
}
