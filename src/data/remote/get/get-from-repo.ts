import { basename, posix, resolve } from 'node:path';
import type { Config } from '../../../config/config-schema.js';
import type { Env } from '../../../config/env-layer.js';
import type { Digest } from '../../../domain/digest.js';
import { invalidParameter, notFound } from '../../../domain/errors.js';
import type { ObjectStore } from '../../../storage/objects/types.js';
import { isDirectoryPointer, type Pointer, parsePointer, pointerPathFor } from '../../pointer/pointer-file.js';
import type { ProgressListener } from '../../progress.js';
import { isSafeRelativePath, isSameOrInside } from '../../tree/relative-path.js';
import type { TreeEntry } from '../../tree/tree.js';
import { readTree } from '../../tree/tree-store.js';
import { openRemoteStore } from '../open-remote.js';
import { addTransfers, type TransferResult, transferObjects } from '../transfer-objects.js';
import { type FetchedRepo, fetchRevision } from './git-source.js';
import { repoDefaultRemote } from './repo-remote.js';
import { checkOutput, writeFileOutput, writeTreeOutput } from './write-output.js';

export interface GetInput {
  /** A git URL or a local path. */
  readonly repo: string;
  /** A tracked file or directory of that repository, or a path inside a tracked directory. */
  readonly path: string;
  readonly rev?: string | undefined;
  /** Where to write it (default: the path's base name in `cwd`). */
  readonly out?: string | undefined;
  readonly force?: boolean;
  readonly cwd: string;
  /** The local object cache the objects are fetched into (a workspace's, or the user's). */
  readonly cache: ObjectStore;
  /** This machine's config: which remotes (and tokens) it knows. */
  readonly config: Config;
  readonly env: Env;
  readonly jobs?: number | undefined;
  readonly onProgress?: ProgressListener;
}

export interface GetResult {
  readonly repo: string;
  readonly commit: string;
  readonly path: string;
  readonly out: string;
  readonly kind: 'file' | 'directory';
  readonly files: number;
  readonly remote: { readonly name: string; readonly url: string };
  readonly transfer: TransferResult;
}

interface Located {
  readonly pointer: Pointer;
  /** The path inside the tracked directory, when the request names one. */
  readonly inner: string | undefined;
}

const safePath = (path: string): string => {
  const rel = path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (isSafeRelativePath(rel)) return rel;
  throw invalidParameter(`'${path}' is not a path inside the repository.`, {
    hint: 'Give a relative path with `/` separators and no `..`, such as data/wine.csv.',
  });
};

/** The nearest pointer file at or above `rel` (a target inside a tracked directory finds the directory's). */
async function locate(fetched: FetchedRepo, rel: string, where: string): Promise<Located> {
  const segments = rel.split('/');
  for (let length = segments.length; length > 0; length -= 1) {
    const data = segments.slice(0, length).join('/');
    const text = await fetched.readBlob(pointerPathFor(data));
    if (text === undefined) continue;
    const pointer = parsePointer(text, `${where}:${pointerPathFor(data)}`);
    if (posix.join(posix.dirname(data), pointer.path) !== data) {
      throw invalidParameter(`${where}:${pointerPathFor(data)} names ${pointer.path}, not ${posix.basename(data)}.`);
    }
    const inner = length === segments.length ? undefined : segments.slice(length).join('/');
    if (inner !== undefined && !isDirectoryPointer(pointer)) break;
    return { pointer, inner };
  }
  throw notFound(`${rel} is not tracked by Slipway in ${where}.`, {
    hint: 'Check the path and the revision: it needs a <path>.slip pointer file there (slipway ls in that repository).',
  });
}

/** The entries of the tree under `inner` (paths made relative to it); a single file when `inner` names one. */
function selectEntries(
  tree: readonly TreeEntry[],
  inner: string | undefined,
): { entries: TreeEntry[]; file?: TreeEntry } {
  if (inner === undefined) return { entries: [...tree] };
  const file = tree.find((entry) => entry.path === inner);
  if (file !== undefined) return { entries: [file], file };
  const entries = tree
    .filter((entry) => isSameOrInside(entry.path, inner))
    .map((entry) => ({ ...entry, path: entry.path.slice(inner.length + 1) }));
  if (entries.length === 0) throw notFound(`${inner} is not in the tracked directory.`);
  return { entries };
}

/**
 * `slipway get <repo> <path>`: the data a pointer file of another repository names, fetched from that repository's
 * default remote into the local cache and written to `out` — without cloning its data or checking out anything.
 * Only git fetch and git cat-file run, with hooks and command transports disabled.
 */
export async function getFromRepo(input: GetInput): Promise<GetResult> {
  const rel = safePath(input.path);
  const out = resolve(input.cwd, input.out ?? basename(rel));
  await checkOutput(out, input.force === true);
  const fetched = await fetchRevision(input.repo, input.rev, input.cwd);
  try {
    const where = `${fetched.repo}@${fetched.commit.slice(0, 12)}`;
    const { pointer, inner } = await locate(fetched, rel, where);
    const resolved = await repoDefaultRemote(fetched, input.config, input.env);
    const store = await openRemoteStore(resolved);
    try {
      const common = {
        from: store,
        to: input.cache,
        jobs: input.jobs,
        phase: 'fetching',
        onProgress: input.onProgress,
      };
      const first = await transferObjects({ ...common, digests: [pointer.digest] });
      failOn(first);
      const written = await writeOut(input, pointer, inner, out, async (digests) => {
        const more = await transferObjects({ ...common, digests });
        failOn(more);
        return more;
      });
      const transfer = addTransfers(first, written.transfer);
      const remote = { name: resolved.name, url: resolved.url };
      return {
        repo: fetched.repo,
        commit: fetched.commit,
        path: rel,
        out,
        kind: written.kind,
        files: written.files,
        remote,
        transfer,
      };
    } finally {
      await store.close();
    }
  } finally {
    await fetched.remove();
  }
}

const failOn = (result: TransferResult): void => {
  const failure = result.failures[0];
  if (failure === undefined) return;
  throw notFound(`Could not fetch ${result.failures.length} object(s), first ${failure.digest}: ${failure.message}`, {
    hint: 'The repository’s remote lacks data its pointer files name: its owners should `slipway push`.',
  });
};

type Fetch = (digests: readonly Digest[]) => Promise<TransferResult>;

async function writeOut(input: GetInput, pointer: Pointer, inner: string | undefined, out: string, fetch: Fetch) {
  const none: TransferResult = { requested: 0, present: 0, transferred: 0, bytes: 0, failures: [] };
  if (!isDirectoryPointer(pointer)) {
    await writeFileOutput(input.cache, pointer.digest, out, 0o644);
    return { kind: 'file' as const, files: 1, transfer: none };
  }
  const { entries, file } = selectEntries(await readTree(input.cache, pointer.digest, input.path), inner);
  const transfer = await fetch(entries.map((entry) => entry.digest));
  if (file !== undefined) await writeFileOutput(input.cache, file.digest, out, file.mode);
  else await writeTreeOutput(input.cache, entries, out);
  return { kind: file === undefined ? ('directory' as const) : ('file' as const), files: entries.length, transfer };
}
