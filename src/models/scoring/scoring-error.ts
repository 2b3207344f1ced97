import { SlipwayError } from '../../domain/errors.js';

/** Limits on one scoring request, checked before anything is allocated for it. */
export interface ScoringLimits {
  readonly maxRows: number;
  /** Elements of all input tensors together. */
  readonly maxElements: number;
  /** Nesting of JSON arrays in a tensor payload. */
  readonly maxRank: number;
}

export const DEFAULT_SCORING_LIMITS: ScoringLimits = { maxRows: 100_000, maxElements: 10_000_000, maxRank: 32 };

const HINT =
  'Send {"dataframe_split": {"columns": [...], "data": [[...]]}}, {"dataframe_records": [{...}]}, ' +
  '{"instances": [...]} or {"inputs": ...} matching the model signature; docs/models.md describes the conversion.';

/** A request the model cannot take: BAD_REQUEST (400), as MLflow's scoring server answers. */
export const scoringError = (message: string): SlipwayError => new SlipwayError('BAD_REQUEST', message, { hint: HINT });

/**
 * A value from a request, safe to put in a message: JSON-quoted, cut to 40 characters, with `<`, `>` and `&`
 * escaped, so an error never echoes markup or control characters back.
 */
export function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return cut.replace(/[<>&]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A column or input name, quoted the same way. */
export const quoted = (name: string): string => shown(name).slice(0, 60);
