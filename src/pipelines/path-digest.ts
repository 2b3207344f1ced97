import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileModeOf, serializeTree, type TreeEntry, treeSize } from '../data/tree/tree.js';
import { currentFiles } from '../data/workspace/current-files.js';
import type { Workspace } from '../data/workspace/workspace.js';
import { confinedPath } from '../data/workspace/workspace-paths.js';
import type { Digest } from '../domain/digest.js';
import { invalidParameter } from '../domain/errors.js';
import type { FileRecord } from './lock-file.js';

/**
 * The digest of a workspace file, or of a folder as its tree object (the same digest `slipway add` gives it),
 * hashing only what the state index cannot vouch for; undefined when nothing is there.
 */
export async function digestPath(ws: Workspace, rel: string): Promise<FileRecord | undefined> {
  const path = await confinedPath(ws, join(ws.root, ...rel.split('/')), rel);
  const current = await currentFiles(ws, path);
  if (current.kind === 'missing') return undefined;
  if (current.kind === 'other') {
    throw invalidParameter(`${rel} is neither a regular file nor a folder.`, {
      hint: 'Pipelines read and write regular files and folders (a symbolic link must point into the cache).',
    });
  }
  if (current.kind === 'file') {
    const [file] = current.files;
    if (file === undefined) throw new Error('unreachable: a file has one entry');
    return { path: rel, digest: file.digest, size: file.size };
  }
  const entries: TreeEntry[] = current.files.map((f) => ({
    path: f.path,
    digest: f.digest,
    size: f.size,
    mode: fileModeOf(f.exec),
  }));
  return { path: rel, digest: treeDigest(entries), size: treeSize(entries), files: entries.length };
}

const treeDigest = (entries: readonly TreeEntry[]): Digest =>
  `sha256:${createHash('sha256').update(serializeTree(entries)).digest('hex')}`;

/** A value's JSON with object keys sorted at every level: equal values give equal text (and digests). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    const body = keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${body.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const sha256Of = (text: string): Digest => `sha256:${createHash('sha256').update(text).digest('hex')}`;
