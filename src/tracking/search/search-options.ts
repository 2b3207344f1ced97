import type { LifecycleStage } from '../../storage/metadata/schema.js';
import { invalidValue } from '../validate.js';

/** MLflow's paging limits for search_runs and search_experiments (mlflow/store/tracking/__init__.py). */
export const SEARCH_LIMITS = Object.freeze({
  /** max_results when the request has none. */
  defaultMaxResults: 1000,
  /** Larger max_results are refused (SEARCH_MAX_RESULTS_THRESHOLD). */
  maxResults: 50_000,
  /** experiment_ids per search_runs request (Slipway's bound). */
  experimentIds: 1000,
});

/** MLflow's ViewType: which lifecycle stages a search returns. */
export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export type ViewType = (typeof VIEW_TYPES)[number];

const STAGES: Readonly<Record<ViewType, readonly LifecycleStage[]>> = {
  ACTIVE_ONLY: ['active'],
  DELETED_ONLY: ['deleted'],
  ALL: ['active', 'deleted'],
};

export const stagesOf = (viewType: ViewType | undefined): readonly LifecycleStage[] =>
  STAGES[viewType ?? 'ACTIVE_ONLY'];

/** max_results with MLflow's default and bound: 1 to 50,000. */
export function searchPageSize(maxResults: number | undefined): number {
  if (maxResults === undefined) return SEARCH_LIMITS.defaultMaxResults;
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) {
    throw invalidValue('max_results', maxResults, 'it must be a positive integer.');
  }
  if (maxResults > SEARCH_LIMITS.maxResults) {
    throw invalidValue(
      'max_results',
      maxResults,
      `it must be at most ${SEARCH_LIMITS.maxResults}.`,
      'Ask for fewer results per page and follow next_page_token.',
    );
  }
  return maxResults;
}
