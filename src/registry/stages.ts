import { invalidParameter } from '../domain/errors.js';
import { STAGES, type Stage } from './types.js';

/** MLflow's stage names are case-insensitive; returns the canonical spelling or INVALID_PARAMETER_VALUE. */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((candidate) => candidate.toLowerCase() === stage.toLowerCase());
  if (found !== undefined) return found;
  throw invalidParameter(
    `Invalid Model Version stage: ${stage.slice(0, 80)}. Value must be one of ${STAGES.join(', ')}.`,
    { hint: 'Stages are deprecated in MLflow; consider aliases (`slipway models alias`).' },
  );
}
