import { invalidParameter } from '../domain/errors.js';
import { checkLength, checkTags, type TagLimits } from '../tracking/validate.js';
import type { Tag } from './types.js';

/** Bounds of registry fields, in characters (MLflow's column widths where it has them). */
export const REGISTRY_LIMITS = Object.freeze({
  tagKey: 250,
  tagValue: 5000,
  tagsPerRequest: 100,
  /** The Markdown model card. */
  description: 65_536,
  source: 2048,
  runLink: 500,
  /** Files in one pinned tree. */
  treeEntries: 100_000,
  /** Bytes of an MLmodel file read for its signature. */
  mlmodelBytes: 1024 * 1024,
  /** search_registered_models: default and maximum page sizes (MLflow's). */
  modelsPage: 100,
  maxModelsPage: 1000,
  /** search_model_versions: default and maximum page sizes (MLflow's). */
  versionsPage: 10_000,
  maxVersionsPage: 200_000,
  /** History pages. */
  historyPage: 100,
  maxHistoryPage: 1000,
});

export const REGISTRY_TAG_LIMITS: TagLimits = { key: REGISTRY_LIMITS.tagKey, value: REGISTRY_LIMITS.tagValue };

/** Checks a tag list and collapses duplicate keys (the last wins). */
export function checkRegistryTags(path: string, tags: readonly Tag[]): Tag[] {
  if (tags.length > REGISTRY_LIMITS.tagsPerRequest) {
    throw invalidParameter(
      `'${path}' has ${tags.length} entries; at most ${REGISTRY_LIMITS.tagsPerRequest} are accepted.`,
    );
  }
  return checkTags(path, tags, REGISTRY_TAG_LIMITS);
}

/** A description (model card): at most REGISTRY_LIMITS.description characters, no NUL. */
export function checkDescription(path: string, description: string | undefined): void {
  if (description !== undefined) checkLength(path, description, REGISTRY_LIMITS.description);
}

/** A page size with a default and a maximum. */
export function pageSize(maxResults: number | undefined, fallback: number, max: number): number {
  if (maxResults === undefined) return fallback;
  if (!Number.isSafeInteger(maxResults) || maxResults < 1 || maxResults > max) {
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${max}, but got value ${maxResults}`,
      { hint: `Ask for 1 to ${max} results per page and follow next_page_token.` },
    );
  }
  return maxResults;
}
