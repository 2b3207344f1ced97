import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Workspace } from '../data/workspace/workspace.js';
import { invalidParameter } from '../domain/errors.js';
import { atomicWriteFile } from '../lib/atomic-write-file.js';
import { localDir } from './local-dir.js';
import { LOCK_FILE, readLock } from './lock-file.js';
import { restoreOutputs } from './outputs.js';
import type { Stage } from './types.js';
import { MAX_YAML_BYTES } from './yaml-source.js';

const JOURNAL_NAME = 'journal.json';
const JOURNAL = join('exp', JOURNAL_NAME);

interface Journal {
  readonly schema: 1;
  /** Workspace-relative path → its content (base64), or null when it did not exist. */
  readonly files: Record<string, string | null>;
}

/** Saves what an experiment may change (slipway.lock, `paramsFiles`, the outs' pointer files) in `.slipway/exp/`. */
export async function journalExperiment(ws: Workspace, paramsFiles: readonly string[], stages: readonly Stage[]) {
  const pointers = stages.flatMap((stage) => stage.outs.map((out) => `${out}.slip`));
  const paths = new Set([LOCK_FILE, ...paramsFiles, ...pointers]);
  const files: Record<string, string | null> = {};
  for (const path of paths) {
    const bytes = await readFile(join(ws.root, ...path.split('/'))).catch(() => undefined);
    if (bytes !== undefined && bytes.length > MAX_YAML_BYTES)
      throw invalidParameter(`${path} is too large to override.`);
    files[path] = bytes === undefined ? null : bytes.toString('base64');
  }
  await atomicWriteFile(
    join(await localDir(ws, 'exp'), JOURNAL_NAME),
    JSON.stringify({ schema: 1, files } satisfies Journal),
  );
}

/**
 * Undoes an experiment whose journal is still there (it ended, or was killed): the outputs go back to what the
 * journaled slipway.lock records, then the journaled files are written back. Does nothing without a journal.
 */
export async function recoverExperiment(ws: Workspace): Promise<void> {
  const text = await readFile(join(ws.dotDir, JOURNAL), 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const { files } = JSON.parse(text) as Journal;
  const lockText = files[LOCK_FILE];
  await writeBack(ws.root, LOCK_FILE, lockText ?? null);
  for (const entry of Object.values((await readLock(ws.root)).stages)) await restoreOutputs(ws, entry);
  for (const [path, content] of Object.entries(files)) await writeBack(ws.root, path, content);
  await rm(join(ws.dotDir, JOURNAL), { force: true });
}

async function writeBack(root: string, path: string, content: string | null): Promise<void> {
  const abs = join(root, ...path.split('/'));
  if (content === null) await rm(abs, { force: true });
  else if ((await readFile(abs, 'base64').catch(() => undefined)) !== content) {
    await atomicWriteFile(abs, Buffer.from(content, 'base64'));
  }
}
