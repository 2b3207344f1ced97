import type { Kysely, Transaction } from 'kysely';
import type { ArtifactPath } from '../../../domain/artifact-path.js';
import { invalidParameter } from '../../../domain/errors.js';
import type { Database } from '../schema.js';
import { rangeUnder } from './artifact-files.js';

type Db = Kysely<Database> | Transaction<Database>;

/** An entry directly under a folder: a file (with its size) or a folder (without). */
export type ArtifactChild =
  | { readonly name: string; readonly isDir: false; readonly size: number }
  | { readonly name: string; readonly isDir: true };

/** Where a page of children ended: the last child returned. */
export interface ArtifactChildCursor {
  readonly name: string;
  readonly isDir: boolean;
}

export interface ArtifactChildrenQuery {
  /** The folder to list; '' is the root. */
  readonly dir: ArtifactPath;
  /** Continue after this child (the `next` of the previous page). */
  readonly after?: ArtifactChildCursor;
  /** 1 to ARTIFACT_LISTING_LIMITS.page. */
  readonly limit: number;
}

export interface ArtifactChildrenPage {
  readonly children: readonly ArtifactChild[];
  /** Present when more children follow. */
  readonly next?: ArtifactChildCursor;
}

export const ARTIFACT_LISTING_LIMITS = { page: 1000, scanBatch: 500 } as const;

interface Bound {
  readonly key: string;
  readonly inclusive: boolean;
}

interface Scan {
  readonly prefix: string;
  readonly to: string | undefined;
}

/** Past a child: after a file's own path, or past everything under a folder (`name/…` < `name0`). */
const boundAfter = (scan: Scan, child: ArtifactChildCursor): Bound =>
  child.isDir
    ? { key: `${scan.prefix}${child.name}0`, inclusive: true }
    : { key: scan.prefix + child.name, inclusive: false };

async function rowsFrom(db: Db, scan: Scan, from: Bound, limit: number) {
  let query = db
    .selectFrom('artifact_files')
    .select(['path', 'size'])
    .where('path', from.inclusive ? '>=' : '>', from.key);
  if (scan.to !== undefined) query = query.where('path', '<', scan.to);
  return query.orderBy('path').limit(limit).execute();
}

function childOf(scan: Scan, row: { path: string; size: number }): ArtifactChild {
  const rest = row.path.slice(scan.prefix.length);
  const slash = rest.indexOf('/');
  return slash === -1 ? { name: rest, isDir: false, size: row.size } : { name: rest.slice(0, slash), isDir: true };
}

interface PageState {
  from: Bound;
  readonly children: ArtifactChild[];
}

/** Takes children from one batch of rows (in path order), skipping the rest of each folder's rows. */
function collect(scan: Scan, rows: readonly { path: string; size: number }[], state: PageState, limit: number): void {
  let skip: string | undefined;
  for (const row of rows) {
    if (state.children.length === limit) return;
    if (skip !== undefined && row.path.startsWith(skip)) continue;
    const child = childOf(scan, row);
    state.children.push(child);
    state.from = boundAfter(scan, child);
    skip = child.isDir ? `${scan.prefix}${child.name}/` : undefined;
  }
}

const scanOf = (dir: ArtifactPath): Scan =>
  dir === '' ? { prefix: '', to: undefined } : { prefix: rangeUnder(dir).from, to: rangeUnder(dir).to };

/**
 * One page of the entries directly under a folder, in path order. A skip scan over the path index: files come a
 * batch at a time, and each sub-folder costs at most one extra range query however many files it holds, so a
 * page's work is bounded by its size, not by the size of the tree below.
 */
export async function listArtifactChildren(db: Db, query: ArtifactChildrenQuery): Promise<ArtifactChildrenPage> {
  assertLimit(query.limit);
  const scan = scanOf(query.dir);
  const from = query.after === undefined ? { key: scan.prefix, inclusive: true } : boundAfter(scan, query.after);
  const state: PageState = { from, children: [] };
  while (state.children.length < query.limit) {
    const rows = await rowsFrom(db, scan, state.from, ARTIFACT_LISTING_LIMITS.scanBatch);
    collect(scan, rows, state, query.limit);
    if (rows.length < ARTIFACT_LISTING_LIMITS.scanBatch) break;
  }
  const last = state.children.at(-1);
  if (state.children.length < query.limit || last === undefined) return { children: state.children };
  const more = await rowsFrom(db, scan, state.from, 1);
  return more.length === 0
    ? { children: state.children }
    : { children: state.children, next: { name: last.name, isDir: last.isDir } };
}

function assertLimit(limit: number): void {
  if (Number.isInteger(limit) && limit >= 1 && limit <= ARTIFACT_LISTING_LIMITS.page) return;
  throw invalidParameter(`The listing limit must be an integer from 1 to ${ARTIFACT_LISTING_LIMITS.page}.`);
}
