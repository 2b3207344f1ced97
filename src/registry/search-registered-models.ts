import { parseFilter } from '../domain/search/parse-filter.js';
import { parseOrderByList } from '../domain/search/parse-order-by.js';
import { REGISTERED_MODEL_SEARCH_GRAMMAR } from '../domain/search/registry-search-grammar.js';
import { searchFingerprint } from '../tracking/search/search-page-token.js';
import { pageSize, REGISTRY_LIMITS } from './limits.js';
import { loadModels } from './load-registry.js';
import { readRegistryToken, registryToken, tokenNumber } from './search/registry-page-token.js';
import { selectModelPage } from './search/select-registry-page.js';
import type { Page, RegisteredModel, RegistryDeps } from './types.js';

export interface SearchRegisteredModelsInput {
  /** `name LIKE 'wine%'`, `tags.team = 'ml'` (docs/registry.md); empty or absent matches all. */
  readonly filter?: string | undefined;
  /** 1 to 1000; default 100 (MLflow's). */
  readonly maxResults?: number | undefined;
  /** name, creation_timestamp, last_updated_timestamp (or timestamp), ASC or DESC; then name ASC. */
  readonly orderBy?: readonly string[] | undefined;
  readonly pageToken?: string | undefined;
}

const PURPOSE = 'search-registered-models';

/** MLflow's search_registered_models, one page at a time; every value a bound SQL parameter. */
export async function searchRegisteredModels(
  deps: Pick<RegistryDeps, 'metadata'>,
  input: SearchRegisteredModelsInput,
): Promise<Page<RegisteredModel>> {
  const limit = pageSize(input.maxResults, REGISTRY_LIMITS.modelsPage, REGISTRY_LIMITS.maxModelsPage);
  const clauses = parseFilter(input.filter ?? '', REGISTERED_MODEL_SEARCH_GRAMMAR);
  const orderBy = parseOrderByList(input.orderBy ?? [], REGISTERED_MODEL_SEARCH_GRAMMAR);
  const { db, dialect } = deps.metadata;
  const fingerprint = searchFingerprint([clauses, orderBy]);
  const token = await readRegistryToken(db, PURPOSE, input.pageToken, fingerprint);
  const offset = token === undefined ? 0 : tokenNumber(token, 'o');
  const rows = await selectModelPage(db, dialect, { clauses, orderBy, offset, limit: limit + 1 });
  const items = await loadModels(db, rows.slice(0, limit));
  if (rows.length <= limit) return { items };
  return { items, nextPageToken: await registryToken(db, PURPOSE, fingerprint, { o: offset + limit }) };
}
