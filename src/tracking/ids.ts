import { randomBytes } from 'node:crypto';

/** A new run id: 32 lower-case hex characters from 16 random bytes (MLflow's uuid4().hex has the same shape). */
export const newRunId = (): string => randomBytes(16).toString('hex');

/** A new id for datasets and inputs: 32 lower-case hex characters. */
export const newUuidHex = (): string => randomBytes(16).toString('hex');

/** MLflow's run id rule: an alphanumeric, then up to 255 word characters or dashes. */
export const RUN_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,255}$/;

/** Experiment ids Slipway issues: decimal integers without leading zeros. */
const EXPERIMENT_ID_PATTERN = /^(0|[1-9]\d{0,15})$/;

/** The numeric id of an experiment id string, or undefined when it cannot name one of ours. */
export function parseExperimentId(id: string): number | undefined {
  if (!EXPERIMENT_ID_PATTERN.test(id)) return undefined;
  const value = Number(id);
  return Number.isSafeInteger(value) ? value : undefined;
}
