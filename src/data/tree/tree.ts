import { type Digest, isDigest } from '../../domain/digest.js';
import { corruptObject } from '../../domain/errors.js';
import { compareCodePoints, isSafeRelativePath } from './relative-path.js';

/** The format version written into every tree object. */
export const TREE_SCHEMA_VERSION = 1;
/** Every tree object starts with exactly these bytes, so a tree can be told from other objects cheaply. */
export const TREE_PREFIX = `{"kind":"slipway.tree","schema":${TREE_SCHEMA_VERSION},"entries":[`;

/** Regular file (0o644) or executable (0o755), as git records them. */
export type FileMode = 0o644 | 0o755;

export interface TreeEntry {
  /** Relative to the tracked directory, `/`-separated. */
  readonly path: string;
  readonly digest: Digest;
  readonly size: number;
  readonly mode: FileMode;
}

export const fileModeOf = (executable: boolean): FileMode => (executable ? 0o755 : 0o644);

export const sortEntries = (entries: readonly TreeEntry[]): TreeEntry[] =>
  [...entries].sort((a, b) => compareCodePoints(a.path, b.path));

/**
 * The canonical JSON of a directory: `{"kind":"slipway.tree","schema":1,"entries":[{path,digest,size,mode}…]}`,
 * entries sorted by path (code point order), keys in that order, no whitespace. Equal directories give equal bytes,
 * so equal digests.
 */
export function serializeTree(entries: readonly TreeEntry[]): string {
  const sorted = sortEntries(entries);
  const parts = sorted.map(
    (e) => `{"path":${JSON.stringify(e.path)},"digest":"${e.digest}","size":${e.size},"mode":${e.mode}}`,
  );
  return `${TREE_PREFIX}${parts.join(',')}]}`;
}

export const treeSize = (entries: readonly TreeEntry[]): number => entries.reduce((sum, e) => sum + e.size, 0);

/**
 * Parses and validates a tree object: the format version, every entry (safe relative path, digest, size, mode),
 * strictly sorted paths, and no path that is both a file and a folder. `where` names the object in errors.
 */
export function parseTree(text: string, where: string): TreeEntry[] {
  const fail = (problem: string) =>
    corruptObject(`The tree object ${where} is invalid: ${problem}.`, {
      hint: 'Delete the object from the cache and fetch it again (slipway pull), or re-add the directory.',
    });
  if (!text.startsWith(TREE_PREFIX)) throw fail(`it does not start with ${TREE_PREFIX} (unknown format or version)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail('it is not valid JSON');
  }
  const entries = (value as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw fail('`entries` is not a list');
  entries.forEach((entry, index) => {
    const problem = entryProblem(entry);
    if (problem !== undefined) throw fail(`entries[${index}]: ${problem}`);
  });
  const problem = orderProblem(entries as TreeEntry[]);
  if (problem !== undefined) throw fail(problem);
  return entries as TreeEntry[];
}

const ENTRY_KEYS = new Set(['path', 'digest', 'size', 'mode']);

function entryProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return 'not an object';
  const { path, digest, size, mode } = entry as Record<string, unknown>;
  const keys = Object.keys(entry);
  if (keys.length !== 4 || path === undefined || digest === undefined || size === undefined || mode === undefined) {
    const unknown = keys.filter((key) => !ENTRY_KEYS.has(key));
    return unknown.length > 0 ? `unknown keys ${unknown.join(', ')}` : 'needs path, digest, size and mode';
  }
  if (typeof path !== 'string' || !isSafeRelativePath(path)) return `path ${JSON.stringify(path)} is not a safe path`;
  if (typeof digest !== 'string' || !isDigest(digest)) return `${path}: digest is not a sha256 digest`;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return `${path}: size is not a byte count`;
  if (mode !== 0o644 && mode !== 0o755) return `${path}: mode must be ${0o644} or ${0o755}`;
  return undefined;
}

function orderProblem(entries: readonly TreeEntry[]): string | undefined {
  const folders = new Set<string>();
  for (let index = 0; index < entries.length; index += 1) {
    const path = (entries[index] as TreeEntry).path;
    const previous = entries[index - 1]?.path;
    if (previous !== undefined && compareCodePoints(previous, path) >= 0) {
      return `entries are not strictly sorted by path at ${JSON.stringify(path)}`;
    }
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      folders.add(path.slice(0, slash));
    }
  }
  const clash = entries.find((entry) => folders.has(entry.path));
  return clash === undefined ? undefined : `${JSON.stringify(clash.path)} is both a file and a folder`;
}
