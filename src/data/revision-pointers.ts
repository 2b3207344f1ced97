import { posix } from 'node:path';
import { invalidParameter } from '../domain/errors.js';
import { GitBlobReader } from './git/cat-file-batch.js';
import { runGit } from './git/run-git.js';
import { isDirectoryPointer, isPointerPath, type Pointer, parsePointer } from './pointer/pointer-file.js';
import type { Workspace } from './workspace/workspace.js';

/** A pointer file as it was at a git revision. */
export interface RevisionPointer {
  /** Workspace-relative path of the pointer file. */
  readonly pointerPath: string;
  /** Workspace-relative path of its data. */
  readonly dataPath: string;
  readonly pointer: Pointer;
  readonly directory: boolean;
}

/** The data path a pointer names, relative to the workspace; refuses one that leaves the workspace. */
export function dataPathOf(pointerPath: string, pointer: Pointer, where: string): string {
  const joined = posix.join(posix.dirname(pointerPath), pointer.path);
  if (joined.startsWith('../') || joined === '..' || posix.isAbsolute(joined)) {
    throw invalidParameter(`${where}: path ${pointer.path} leads outside the workspace.`, {
      hint: 'A pointer file names data beside it or below it.',
    });
  }
  return joined;
}

/**
 * Every pointer file of the workspace at a commit, read through git plumbing: `git ls-tree -r` lists them (paths
 * relative to the workspace root) and one `git cat-file --batch` reads them all.
 */
export async function pointersAtRevision(ws: Workspace, commit: string, label: string): Promise<RevisionPointer[]> {
  const listing = await runGit(ws.root, ['ls-tree', '-r', '-z', commit]);
  const blobs = listing
    .split('\0')
    .map((line) => /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(line))
    .flatMap(
      (match): Array<[string, string]> =>
        match !== null && isPointerPath(match[2] as string) ? [[match[1] as string, match[2] as string]] : [],
    );
  const reader = new GitBlobReader(ws.root);
  try {
    const out: RevisionPointer[] = [];
    for (const [oid, pointerPath] of blobs) {
      const bytes = await reader.read(oid);
      if (bytes === undefined) continue;
      const where = `${label}:${pointerPath}`;
      const pointer = parsePointer(bytes.toString('utf8'), where);
      const dataPath = dataPathOf(pointerPath, pointer, where);
      out.push({ pointerPath, dataPath, pointer, directory: isDirectoryPointer(pointer) });
    }
    return out;
  } finally {
    reader.close();
  }
}

/** One pointer file at a commit, or undefined when the commit does not have it. */
export async function pointerAtRevision(
  ws: Workspace,
  commit: string,
  pointerPath: string,
  label: string,
): Promise<Pointer | undefined> {
  const reader = new GitBlobReader(ws.root);
  try {
    const bytes = await reader.read(`${commit}:./${pointerPath}`);
    return bytes === undefined ? undefined : parsePointer(bytes.toString('utf8'), `${label}:${pointerPath}`);
  } finally {
    reader.close();
  }
}
