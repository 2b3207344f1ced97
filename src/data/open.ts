import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { Digest } from '../domain/digest.js';
import { invalidParameter, isSlipwayError, notFound } from '../domain/errors.js';
import { requireCommit } from './git/run-git.js';
import { type Pointer, pointerPathFor, readPointerFile } from './pointer/pointer-file.js';
import { dataPathOf, pointerAtRevision } from './revision-pointers.js';
import { PULL_HINT, readTree } from './tree/tree-store.js';
import type { Workspace } from './workspace/workspace.js';
import { userPath } from './workspace/workspace-paths.js';

export interface OpenInput {
  readonly cwd: string;
  /** A tracked file, or a file inside a tracked directory, relative to `cwd`. */
  readonly path: string;
  /** A git revision; default the workspace's pointer files. */
  readonly rev?: string;
}

/**
 * Streams a tracked file as the pointer files say (at `rev`, or in the workspace): the object from the cache,
 * verified against its digest while it is read.
 */
export async function openTracked(ws: Workspace, input: OpenInput): Promise<Readable> {
  const rel = (await userPath(ws, input.cwd, input.path)).rel;
  const read = await pointerReader(ws, input.rev);
  const parts = rel.split('/');
  for (let depth = parts.length; depth >= 1; depth -= 1) {
    const candidate = parts.slice(0, depth).join('/');
    const pointer = await read(pointerPathFor(candidate));
    if (pointer === undefined || dataPathOf(pointerPathFor(candidate), pointer, candidate) !== candidate) continue;
    const inner = parts.slice(depth).join('/');
    return openObject(ws, await digestOf(ws, pointer, candidate, inner, input), rel);
  }
  throw notFound(`'${input.path}' is not tracked${input.rev === undefined ? '' : ` at ${input.rev}`}.`, {
    hint: 'Name a tracked file or a file inside a tracked directory; `slipway ls` lists them.',
  });
}

type ReadPointer = (pointerPath: string) => Promise<Pointer | undefined>;

async function pointerReader(ws: Workspace, rev: string | undefined): Promise<ReadPointer> {
  if (rev === undefined) {
    return async (pointerPath) => {
      const file = join(ws.root, ...pointerPath.split('/'));
      return (await stat(file).catch(() => undefined)) === undefined ? undefined : readPointerFile(file, pointerPath);
    };
  }
  const commit = await requireCommit(ws.root, rev);
  return (pointerPath) => pointerAtRevision(ws, commit, pointerPath, rev);
}

async function digestOf(
  ws: Workspace,
  pointer: Pointer,
  data: string,
  inner: string,
  input: OpenInput,
): Promise<Digest> {
  if (pointer.files === undefined) {
    if (inner === '') return pointer.digest;
    throw notFound(`'${input.path}' is not tracked: ${data} is a tracked file, not a directory.`);
  }
  if (inner === '') {
    throw invalidParameter(`'${input.path}' is a tracked directory; open a file inside it.`, {
      hint: `\`slipway ls ${data}\` lists its files.`,
    });
  }
  const tree = await readTree(
    ws.cache.store,
    pointer.digest,
    `${data}${input.rev === undefined ? '' : ` at ${input.rev}`}`,
  );
  const entry = tree.find((candidate) => candidate.path === inner);
  if (entry !== undefined) return entry.digest;
  throw notFound(`${posix.join(data, inner)} is not in the tracked directory ${data}.`, {
    hint: `\`slipway ls ${data}\` lists its files.`,
  });
}

async function openObject(ws: Workspace, digest: Digest, rel: string): Promise<Readable> {
  try {
    return await ws.cache.store.get(digest);
  } catch (error) {
    if (!isSlipwayError(error) || error.code !== 'RESOURCE_DOES_NOT_EXIST') throw error;
    throw notFound(`The content of ${rel} (${digest}) is not in the cache.`, { hint: PULL_HINT });
  }
}
