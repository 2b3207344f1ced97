import { InvalidArgumentError } from 'commander';
import { LINK_MODES, type LinkMode } from '../../config/config-schema.js';
import { loadConfig } from '../../config/load-config.js';
import type { ProgressListener } from '../../data/progress.js';
import { openWorkspace, type Workspace } from '../../data/workspace/workspace.js';
import type { CliContext } from '../cli-context.js';
import { createProgress, type Progress } from '../progress.js';

/** Opens the workspace above the current directory with its configuration, runs `fn`, and closes it. */
export async function withWorkspace<T>(context: CliContext, fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  const ws = await openWorkspace({
    root: config.workspaceRoot,
    cacheUri: config.objects.uri,
    linkMode: config.cache.linkMode,
  });
  try {
    return await fn(ws);
  } finally {
    await ws.close();
  }
}

/** A progress listener drawing one line per phase on stderr (nothing with --json or off a terminal). */
export function progressLine(context: CliContext): ProgressListener & { done(): void } {
  let phase: string | undefined;
  let progress: Progress | undefined;
  const listener = (event: { phase: string; done: number; total?: number }) => {
    if (event.phase !== phase) {
      progress?.done();
      phase = event.phase;
      progress = createProgress({ label: event.phase, total: event.total, stream: context.stderr, json: context.json });
    }
    progress?.update(event.done);
  };
  return Object.assign(listener, { done: () => progress?.done() });
}

/** Prints `value` as JSON with --json, else the text lines. */
export function print(context: CliContext, value: unknown, lines: readonly string[]): void {
  if (context.json) context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else if (lines.length > 0) context.stdout.write(`${lines.join('\n')}\n`);
}

export function parseLinkMode(value: string): LinkMode {
  if ((LINK_MODES as readonly string[]).includes(value)) return value as LinkMode;
  throw new InvalidArgumentError(`must be one of ${LINK_MODES.join(', ')}.`);
}

/** `1.5 MiB`-style sizes for people. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
