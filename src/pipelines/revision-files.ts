import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GitBlobReader } from '../data/git/cat-file-batch.js';
import { requireCommit } from '../data/git/run-git.js';
import { invalidParameter } from '../domain/errors.js';
import { parseDataFile } from './params-files.js';
import { parsePipeline } from './parse-pipeline.js';
import { PIPELINE_FILE } from './pipeline-schema.js';
import type { Pipeline } from './types.js';
import { MAX_YAML_BYTES } from './yaml-source.js';

/** One side of a diff: a git revision, or the workspace (`rev` undefined). */
export interface FileSource {
  /** `HEAD`, `main`, … or `workspace`. */
  readonly label: string;
  /** The text of a workspace-relative file; undefined when that side does not have it. */
  read(path: string): Promise<string | undefined>;
  close(): void;
}

const tooLarge = (label: string) =>
  invalidParameter(`${label} is larger than ${MAX_YAML_BYTES} bytes.`, { hint: 'Params and metrics files are small.' });

/** Files as they are in the workspace. */
export function workspaceSource(root: string): FileSource {
  return {
    label: 'workspace',
    read: async (path) => {
      const abs = join(root, ...path.split('/'));
      const info = await stat(abs).catch(() => undefined);
      if (info === undefined || !info.isFile()) return undefined;
      if (info.size > MAX_YAML_BYTES) throw tooLarge(path);
      return readFile(abs, 'utf8');
    },
    close: () => {},
  };
}

/** Files as they are at a git revision, read through git plumbing (one `git cat-file --batch`). */
export async function revisionSource(root: string, rev: string): Promise<FileSource> {
  const commit = await requireCommit(root, rev);
  const reader = new GitBlobReader(root);
  return {
    label: rev,
    read: async (path) => {
      const bytes = await reader.read(`${commit}:./${path}`);
      if (bytes !== undefined && bytes.length > MAX_YAML_BYTES) throw tooLarge(`${rev}:${path}`);
      return bytes?.toString('utf8');
    },
    close: () => reader.close(),
  };
}

/** The two sides of `params diff`/`metrics diff`: [a, b] revisions (default HEAD), b the workspace when absent. */
export async function diffSources(root: string, revA?: string, revB?: string): Promise<[FileSource, FileSource]> {
  const a = await revisionSource(root, revA ?? 'HEAD');
  try {
    return [a, revB === undefined ? workspaceSource(root) : await revisionSource(root, revB)];
  } catch (error) {
    a.close();
    throw error;
  }
}

/** slipway.yaml on that side; a side without one has no stages. */
export async function pipelineAt(source: FileSource): Promise<Pipeline> {
  const text = await source.read(PIPELINE_FILE);
  if (text === undefined) return { experiment: undefined, stages: [] };
  return parsePipeline(text, source.label === 'workspace' ? PIPELINE_FILE : `${source.label}:${PIPELINE_FILE}`);
}

/** A params or metrics file on that side, parsed; undefined when absent. */
export async function dataFileAt(source: FileSource, path: string): Promise<unknown> {
  const text = await source.read(path);
  return text === undefined
    ? undefined
    : parseDataFile(text, source.label === 'workspace' ? path : `${source.label}:${path}`);
}
