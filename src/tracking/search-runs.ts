import { parseFilter } from '../domain/search/parse-filter.js';
import { parseOrderByList } from '../domain/search/parse-order-by.js';
import { RUN_SEARCH_GRAMMAR } from '../domain/search/run-search-grammar.js';
import type { MetadataStore } from '../storage/metadata/open-metadata.js';
import { parseExperimentId } from './ids.js';
import { loadRuns } from './load-runs.js';
import { SEARCH_LIMITS, searchPageSize, stagesOf, type ViewType } from './search/search-options.js';
import { readSearchOffset, searchFingerprint, searchToken } from './search/search-page-token.js';
import { selectRunPage } from './search/select-run-page.js';
import type { Page, Run } from './types.js';
import { invalidValue } from './validate.js';

export interface SearchDeps {
  readonly metadata: Pick<MetadataStore, 'db' | 'dialect'>;
}

export interface SearchRunsInput {
  /** Experiments to search; an empty list finds nothing (as MLflow). */
  readonly experimentIds: readonly string[];
  /** MLflow's filter grammar (docs/search.md); empty or absent matches every run. */
  readonly filter?: string | undefined;
  /** Default ACTIVE_ONLY. */
  readonly runViewType?: ViewType | undefined;
  /** 1 to 50,000; default 1000. */
  readonly maxResults?: number | undefined;
  /** `metrics.acc DESC`, `params.lr`, …; ties end with start_time DESC, run_id. */
  readonly orderBy?: readonly string[] | undefined;
  /** The `nextPageToken` of the previous page. */
  readonly pageToken?: string | undefined;
}

/**
 * MLflow's search_runs: runs of the given experiments matching the filter, ordered, one page at a time. Runs
 * come whole (latest metrics, params, tags, inputs), as runs/get returns them.
 */
export async function searchRuns(deps: SearchDeps, input: SearchRunsInput): Promise<Page<Run>> {
  const limit = searchPageSize(input.maxResults);
  const experimentIds = experimentIdsOf(input.experimentIds);
  const clauses = parseFilter(input.filter ?? '', RUN_SEARCH_GRAMMAR);
  const orderBy = parseOrderByList(input.orderBy ?? [], RUN_SEARCH_GRAMMAR);
  const { db, dialect } = deps.metadata;
  const fingerprint = searchFingerprint([experimentIds, clauses, input.runViewType ?? 'ACTIVE_ONLY', orderBy]);
  const offset = await readSearchOffset(db, 'search-runs', input.pageToken, fingerprint);
  const rows = await selectRunPage(db, dialect, {
    experimentIds,
    stages: stagesOf(input.runViewType),
    clauses,
    orderBy,
    offset,
    limit: limit + 1,
  });
  const items = await loadRuns(db, rows.slice(0, limit));
  if (rows.length <= limit) return { items };
  return { items, nextPageToken: await searchToken(db, 'search-runs', fingerprint, offset + limit) };
}

/** Distinct numeric ids; an id that is not a decimal integer is INVALID_PARAMETER_VALUE. */
function experimentIdsOf(ids: readonly string[]): number[] {
  if (ids.length > SEARCH_LIMITS.experimentIds) {
    throw invalidValue('experiment_ids', `${ids.length} ids`, `at most ${SEARCH_LIMITS.experimentIds} are allowed.`);
  }
  return [
    ...new Set(
      ids.map((id, index) => {
        const parsed = parseExperimentId(id);
        if (parsed === undefined) throw invalidValue(`experiment_ids[${index}]`, id, 'it is not an experiment id.');
        return parsed;
      }),
    ),
  ];
}
