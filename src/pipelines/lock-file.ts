import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import type { Digest } from '../domain/digest.js';
import { atomicWriteFile } from '../lib/atomic-write-file.js';
import { check, type Path } from './check-schema.js';
import { MAX_YAML_BYTES, type Problem, parseYamlSource, problemsError } from './yaml-source.js';

export const LOCK_FILE = 'slipway.lock';
export const LOCK_SCHEMA_VERSION = 1;

/** A file or folder as it was: digest (a tree object for a folder), bytes, and files for a folder. */
export interface FileRecord {
  readonly path: string;
  readonly digest: Digest;
  readonly size: number;
  readonly files?: number | undefined;
}

/** What a stage's last successful run saw and wrote. */
export interface LockEntry {
  readonly cmd: string | readonly string[];
  readonly wdir?: string | undefined;
  readonly deps: readonly FileRecord[];
  /** Params file → dotted key → value. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly outs: readonly FileRecord[];
  readonly metrics: readonly FileRecord[];
  readonly plots: readonly FileRecord[];
}

export interface LockFile {
  readonly stages: Readonly<Record<string, LockEntry>>;
}

const count = z.number().int().min(0);
const fileRecord = z.strictObject({
  path: z.string().min(1),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: 'must be sha256: and 64 hex digits' }),
  size: count,
  files: count.optional(),
});
const records = z.array(fileRecord).default([]);
const lockEntry = z.strictObject({
  cmd: z.union([z.string(), z.array(z.string())]),
  wdir: z.string().optional(),
  deps: records,
  params: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  outs: records,
  metrics: records,
  plots: records,
});
const lockSchema = z.strictObject({
  schema: z.literal(LOCK_SCHEMA_VERSION, {
    error: `must be ${LOCK_SCHEMA_VERSION} — this Slipway reads slipway.lock format ${LOCK_SCHEMA_VERSION}; upgrade Slipway`,
  }),
  stages: z.record(z.string(), lockEntry).default({}),
});

const HINT = `Restore ${LOCK_FILE} from git (git checkout -- ${LOCK_FILE}), or delete it: every stage then runs again.`;

/** Reads `<root>/slipway.lock`; an empty lock when there is none. */
export async function readLock(root: string): Promise<LockFile> {
  const file = join(root, LOCK_FILE);
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) return { stages: {} };
  if (info.size > MAX_YAML_BYTES) {
    throw problemsError(LOCK_FILE, [{ at: undefined, what: 'the file is too large', todo: 'delete it' }], HINT);
  }
  return parseLock(await readFile(file, 'utf8'));
}

export function parseLock(text: string, label = LOCK_FILE): LockFile {
  const { source, problems } = parseYamlSource(text, label);
  const report = (path: Path, what: string, todo: string, key?: boolean) =>
    problems.push({ at: source.at(path, { key }), what, todo } satisfies Problem);
  const parsed =
    problems.length === 0 ? check(lockSchema, source.value, [], report, 'fix or delete the entry') : undefined;
  if (parsed === undefined) throw problemsError(label, problems, HINT);
  return { stages: parsed.stages as Record<string, LockEntry> };
}

/** The lock's YAML: stages by name, fields in a fixed order, empty lists left out. */
export function formatLock(lock: LockFile): string {
  const stages: Record<string, unknown> = {};
  for (const name of Object.keys(lock.stages).sort()) {
    const entry = lock.stages[name] as LockEntry;
    stages[name] = {
      cmd: entry.cmd,
      ...(entry.wdir ? { wdir: entry.wdir } : {}),
      ...(entry.deps.length > 0 ? { deps: entry.deps.map(plainRecord) } : {}),
      ...(Object.keys(entry.params).length > 0 ? { params: entry.params } : {}),
      ...(entry.outs.length > 0 ? { outs: entry.outs.map(plainRecord) } : {}),
      ...(entry.metrics.length > 0 ? { metrics: entry.metrics.map(plainRecord) } : {}),
      ...(entry.plots.length > 0 ? { plots: entry.plots.map(plainRecord) } : {}),
    };
  }
  return stringify({ schema: LOCK_SCHEMA_VERSION, stages }, { lineWidth: 0 });
}

const plainRecord = (record: FileRecord) => ({
  path: record.path,
  digest: record.digest,
  size: record.size,
  ...(record.files === undefined ? {} : { files: record.files }),
});

/** Replaces slipway.lock atomically (temp, fsync, rename): a reader or a killed writer sees the old or the new. */
export async function writeLock(root: string, lock: LockFile): Promise<void> {
  await atomicWriteFile(join(root, LOCK_FILE), formatLock(lock));
}
