/**
 * Bounds that keep a search filter from becoming a denial of service: the parser refuses anything larger with
 * INVALID_PARAMETER_VALUE before a query is built.
 */
export const FILTER_LIMITS = {
  /** Characters in a filter string (room for a few hundred run ids in an IN list). */
  filterLength: 16_384,
  /** Comparisons joined by AND. Each becomes one EXISTS or join. */
  clauses: 50,
  /** Values in one IN (…) list. */
  listValues: 1000,
  /** Characters of a quoted string value (tag values are at most 8000). */
  stringValue: 8000,
  /** Characters of a key (MLflow keys are at most 250). */
  key: 1000,
  /** Characters of a LIKE / ILIKE pattern, and its `%` wildcards: matching cost grows with both. */
  likePattern: 256,
  likeWildcards: 8,
  /** Characters of one `order_by` item, and items per request. */
  orderByLength: 1000,
  orderByTerms: 20,
} as const;
