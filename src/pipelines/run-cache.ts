import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Workspace } from '../data/workspace/workspace.js';
import { type Digest, digestHex } from '../domain/digest.js';
import { atomicWriteFile } from '../lib/atomic-write-file.js';
import { localDir } from './local-dir.js';
import type { FileRecord } from './lock-file.js';
import type { StoredOutputs } from './outputs.js';
import { canonicalJson, sha256Of } from './path-digest.js';
import type { Stage } from './types.js';

export const RUN_CACHE_DIR = 'runs';
const MAX_ENTRY_BYTES = 1024 * 1024;

/** What the run cache is keyed by: the command and everything it reads. */
export interface RunKeyInput {
  readonly stage: Stage;
  readonly deps: readonly FileRecord[];
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * The run cache key: the digest of (cmd, wdir, deps' digests, params' values, and the output paths). Equal keys
 * mean the command would see exactly the same inputs, so its recorded outputs can stand in for a run.
 */
export function runKey(input: RunKeyInput): Digest {
  const { stage } = input;
  return sha256Of(
    canonicalJson({
      cmd: stage.cmd,
      wdir: stage.wdir,
      deps: input.deps.map((dep) => [dep.path, dep.digest]),
      params: input.params,
      outputs: [stage.outs, stage.metrics, stage.plots],
    }),
  );
}

const record = z.strictObject({
  path: z.string().min(1),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  size: z.number().int().min(0),
  files: z.number().int().min(0).optional(),
});
const entrySchema = z.object({
  schema: z.literal(1),
  stage: z.string(),
  outs: z.array(record),
  metrics: z.array(record),
  plots: z.array(record),
});

const entryPath = (key: Digest) => {
  const hex = digestHex(key);
  return [hex.slice(0, 2), `${hex.slice(2)}.json`] as const;
};

/** The outputs recorded under `key`; undefined when there are none (or the entry is unreadable). */
export async function lookupRunCache(ws: Workspace, key: Digest): Promise<StoredOutputs | undefined> {
  const text = await readFile(join(ws.dotDir, RUN_CACHE_DIR, ...entryPath(key)), 'utf8').catch(() => undefined);
  if (text === undefined || text.length > MAX_ENTRY_BYTES) return undefined;
  try {
    const parsed = entrySchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as StoredOutputs) : undefined;
  } catch {
    return undefined;
  }
}

/** Records a run's outputs under its key (atomically: a killed write leaves no half entry). */
export async function saveRunCache(ws: Workspace, key: Digest, stage: string, outputs: StoredOutputs): Promise<void> {
  const file = join(await localDir(ws, RUN_CACHE_DIR), ...entryPath(key));
  await mkdir(dirname(file), { recursive: true });
  const entry = { schema: 1, stage, outs: outputs.outs, metrics: outputs.metrics, plots: outputs.plots };
  await atomicWriteFile(file, `${JSON.stringify(entry, null, 2)}\n`);
}
