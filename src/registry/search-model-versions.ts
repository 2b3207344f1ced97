import { parseFilter } from '../domain/search/parse-filter.js';
import { parseOrderByList } from '../domain/search/parse-order-by.js';
import { MODEL_VERSION_SEARCH_GRAMMAR } from '../domain/search/registry-search-grammar.js';
import { searchFingerprint } from '../tracking/search/search-page-token.js';
import { pageSize, REGISTRY_LIMITS } from './limits.js';
import { loadVersions } from './load-registry.js';
import { readRegistryToken, registryToken, tokenNumber } from './search/registry-page-token.js';
import { selectVersionPage } from './search/select-registry-page.js';
import type { ModelVersion, Page, RegistryDeps } from './types.js';

export interface SearchModelVersionsInput {
  /** `name = 'wine'`, `run_id IN ('…')`, `version_number > 2`, `tags.k = 'v'`, `tags.\`slipway.semver\` = '1.0.0'`. */
  readonly filter?: string | undefined;
  /** 1 to 200,000; default 10,000 (MLflow's). */
  readonly maxResults?: number | undefined;
  /** name, version_number, creation_timestamp, last_updated_timestamp; then name ASC, version_number DESC. */
  readonly orderBy?: readonly string[] | undefined;
  readonly pageToken?: string | undefined;
}

const PURPOSE = 'search-model-versions';

/** MLflow's search_model_versions over live versions, one page at a time; every value a bound SQL parameter. */
export async function searchModelVersions(
  deps: Pick<RegistryDeps, 'metadata'>,
  input: SearchModelVersionsInput,
): Promise<Page<ModelVersion>> {
  const limit = pageSize(input.maxResults, REGISTRY_LIMITS.versionsPage, REGISTRY_LIMITS.maxVersionsPage);
  const clauses = parseFilter(input.filter ?? '', MODEL_VERSION_SEARCH_GRAMMAR);
  const orderBy = parseOrderByList(input.orderBy ?? [], MODEL_VERSION_SEARCH_GRAMMAR);
  const { db, dialect } = deps.metadata;
  const fingerprint = searchFingerprint([clauses, orderBy]);
  const token = await readRegistryToken(db, PURPOSE, input.pageToken, fingerprint);
  const offset = token === undefined ? 0 : tokenNumber(token, 'o');
  const rows = await selectVersionPage(db, dialect, { clauses, orderBy, offset, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const items = await loadVersions(db, page, new Map(page.map((row) => [row.model_id, row.model_name])));
  if (rows.length <= limit) return { items };
  return { items, nextPageToken: await registryToken(db, PURPOSE, fingerprint, { o: offset + limit }) };
}
