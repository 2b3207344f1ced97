import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SlipwayError } from '../../domain/errors.js';

export const LOCK_FILE = 'lock';
const BREAK_FILE = 'lock.break';
/** A `lock.break` older than this was left by a process killed while it removed a stale lock. */
const STALE_BREAK_MS = 10_000;

/** Who holds the workspace lock, as written in `.slipway/lock`. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

export interface WorkspaceLock {
  readonly holder: LockHolder;
  release(): Promise<void>;
}

/**
 * Takes the workspace's writer lock (`.slipway/lock`, created exclusively, holding pid, host, command and time).
 * A second writer fails with RESOURCE_CONFLICT naming the holder. A lock whose process is gone (same host, pid
 * not running) is stale: it is removed, under a second exclusive file so two processes never both remove it.
 */
export async function acquireWorkspaceLock(dotDir: string, command: string): Promise<WorkspaceLock> {
  const holder: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  const file = join(dotDir, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (await createExclusive(file, `${JSON.stringify(holder)}\n`)) return lockOf(file, holder);
    const current = await readHolder(file);
    if (current === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    if (!isStale(current)) throw lockedBy(current, dotDir);
    await breakStaleLock(dotDir, file, current);
  }
  throw new SlipwayError('RESOURCE_CONFLICT', `Could not take the workspace lock ${file}.`, {
    hint: 'Another Slipway process keeps taking it; try again when it has finished.',
  });
}

const lockOf = (file: string, holder: LockHolder): WorkspaceLock => ({
  holder,
  release: async () => {
    const current = await readHolder(file);
    if (current?.pid === holder.pid && current.since === holder.since) await rm(file, { force: true });
  },
});

async function createExclusive(file: string, text: string): Promise<boolean> {
  try {
    await writeFile(file, text, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string') return value as LockHolder;
  } catch {}
  // unreadable: a writer between creating and filling it (look again), or one killed there (stale once old)
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || Date.now() - info.mtimeMs <= STALE_BREAK_MS) return undefined;
  return { pid: 0, host: hostname(), command: 'unknown', since: info.mtime.toISOString() };
}

/** On this host, the holder's pid no longer runs. Locks from other hosts are never judged stale. */
export function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid <= 0) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function breakStaleLock(dotDir: string, file: string, seen: LockHolder): Promise<void> {
  const breaker = join(dotDir, BREAK_FILE);
  const info = await stat(breaker).catch(() => undefined);
  if (info !== undefined && Date.now() - info.mtimeMs > STALE_BREAK_MS) await rm(breaker, { force: true });
  if (!(await createExclusive(breaker, `${process.pid}\n`))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return;
  }
  try {
    const current = await readHolder(file);
    if (current?.pid === seen.pid && current.since === seen.since) await rm(file, { force: true });
  } finally {
    await rm(breaker, { force: true });
  }
}

function lockedBy(holder: LockHolder, dotDir: string): SlipwayError {
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return new SlipwayError(
    'RESOURCE_CONFLICT',
    `The workspace is locked by pid ${holder.pid}${where} (${holder.command}) since ${holder.since}.`,
    {
      hint: `Wait for that command to finish. If no such process runs any more, remove ${join(dotDir, LOCK_FILE)}.`,
    },
  );
}
