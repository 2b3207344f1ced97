import { EXPERIMENT_SEARCH_GRAMMAR } from '../domain/search/experiment-search-grammar.js';
import { parseFilter } from '../domain/search/parse-filter.js';
import { parseOrderByList } from '../domain/search/parse-order-by.js';
import type { ExperimentRow } from '../storage/metadata/schema.js';
import type { Db } from '../storage/metadata/tracking/db.js';
import { selectExperimentTags } from '../storage/metadata/tracking/experiments.js';
import { searchPageSize, stagesOf, type ViewType } from './search/search-options.js';
import { readSearchOffset, searchFingerprint, searchToken } from './search/search-page-token.js';
import { selectExperimentPage } from './search/select-experiment-page.js';
import type { SearchDeps } from './search-runs.js';
import type { Experiment, Page } from './types.js';

export interface SearchExperimentsInput {
  /** `name LIKE 'wine-%' and tags.team = 'ml'` (docs/search.md); empty or absent matches all. */
  readonly filter?: string | undefined;
  /** Default ACTIVE_ONLY. */
  readonly viewType?: ViewType | undefined;
  /** 1 to 50,000; default 1000. */
  readonly maxResults?: number | undefined;
  /** name, experiment_id, creation_time, last_update_time with ASC/DESC; default creation_time DESC. */
  readonly orderBy?: readonly string[] | undefined;
  readonly pageToken?: string | undefined;
}

/** MLflow's search_experiments: experiments matching the filter, ordered, one page at a time, with their tags. */
export async function searchExperiments(deps: SearchDeps, input: SearchExperimentsInput): Promise<Page<Experiment>> {
  const limit = searchPageSize(input.maxResults);
  const clauses = parseFilter(input.filter ?? '', EXPERIMENT_SEARCH_GRAMMAR);
  const orderBy = parseOrderByList(input.orderBy ?? [], EXPERIMENT_SEARCH_GRAMMAR);
  const { db, dialect } = deps.metadata;
  const fingerprint = searchFingerprint([clauses, input.viewType ?? 'ACTIVE_ONLY', orderBy]);
  const offset = await readSearchOffset(db, 'search-experiments', input.pageToken, fingerprint);
  const stages = stagesOf(input.viewType);
  const rows = await selectExperimentPage(db, dialect, { stages, clauses, orderBy, offset, limit: limit + 1 });
  const items = await withTags(db, rows.slice(0, limit));
  if (rows.length <= limit) return { items };
  return { items, nextPageToken: await searchToken(db, 'search-experiments', fingerprint, offset + limit) };
}

async function withTags(db: Db, rows: readonly ExperimentRow[]): Promise<Experiment[]> {
  const tags = await selectExperimentTags(
    db,
    rows.map((row) => row.experiment_id),
  );
  return rows.map((row) => ({
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage,
    creationTime: row.creation_time,
    lastUpdateTime: row.last_update_time,
    tags: tags.get(row.experiment_id) ?? [],
  }));
}
