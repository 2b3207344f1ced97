import type { ArtifactPath } from '../domain/artifact-path.js';
import { invalidParameter } from '../domain/errors.js';
import {
  ARTIFACT_LISTING_LIMITS,
  type ArtifactChild,
  listArtifactChildren,
} from '../storage/metadata/artifacts/list-artifact-children.js';
import type { ArtifactDeps } from './artifact-deps.js';
import { decodeListingToken, encodeListingToken } from './listing-page-token.js';

export type { ArtifactChild } from '../storage/metadata/artifacts/list-artifact-children.js';

export const ARTIFACT_LISTING = {
  /** Entries per page of a paged listing. */
  pageSize: ARTIFACT_LISTING_LIMITS.page,
  /** Entries of a whole-folder listing (MLflow's artifact proxy lists a folder in one answer). */
  maxEntries: 100_000,
} as const;

export interface ListArtifactsInput {
  /** The folder; '' is the artifacts root. */
  readonly dir: ArtifactPath;
  /** The nextPageToken of the previous page. */
  readonly pageToken?: string;
  /** Default and maximum ARTIFACT_LISTING.pageSize. */
  readonly pageSize?: number;
}

export interface ArtifactListing {
  /** Files (with size) and folders (without) directly under the folder, in path order. */
  readonly entries: readonly ArtifactChild[];
  readonly nextPageToken?: string;
}

type ListDeps = Pick<ArtifactDeps, 'metadata'>;

/** One page of the entries directly under a folder. A folder that does not exist is empty, as in MLflow. */
export async function listArtifacts(deps: ListDeps, input: ListArtifactsInput): Promise<ArtifactListing> {
  const after = input.pageToken === undefined ? undefined : decodeListingToken(input.pageToken);
  const page = await listArtifactChildren(deps.metadata.db, {
    dir: input.dir,
    limit: input.pageSize ?? ARTIFACT_LISTING.pageSize,
    ...(after === undefined ? {} : { after }),
  });
  const next = page.next === undefined ? {} : { nextPageToken: encodeListingToken(page.next) };
  return { entries: page.children, ...next };
}

/** Every entry directly under a folder, page by page, up to ARTIFACT_LISTING.maxEntries. */
export async function listAllArtifacts(deps: ListDeps, dir: ArtifactPath): Promise<ArtifactChild[]> {
  const entries: ArtifactChild[] = [];
  let page = await listArtifacts(deps, { dir });
  entries.push(...page.entries);
  while (page.nextPageToken !== undefined) {
    if (entries.length >= ARTIFACT_LISTING.maxEntries) throw tooManyEntries(dir);
    page = await listArtifacts(deps, { dir, pageToken: page.nextPageToken });
    entries.push(...page.entries);
  }
  return entries;
}

const tooManyEntries = (dir: ArtifactPath) =>
  invalidParameter(`Folder ${dir || '(root)'} holds more than ${ARTIFACT_LISTING.maxEntries} entries.`, {
    hint: 'List it page by page with GET /api/2.0/mlflow/artifacts/list?run_id=…&path=…&page_token=….',
  });
