import type { Writable } from 'node:stream';

export interface ProgressOptions {
  /** Units of work; omit when unknown (then only the count is shown). */
  readonly total?: number;
  readonly label: string;
  readonly stream: Writable & { readonly isTTY?: boolean };
  /** With --json nothing is drawn. */
  readonly json?: boolean;
  /** Minimum time between redraws (default 100 ms); the clock is injectable for tests. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export interface Progress {
  /** Adds `count` (default 1) units done. */
  tick(count?: number): void;
  /** Sets the units done. */
  update(done: number): void;
  /** Draws the final state and ends the line. Further calls do nothing. */
  done(): void;
}

const BAR_WIDTH = 24;
const SILENT: Progress = { tick: () => {}, update: () => {}, done: () => {} };

/** One status line: `label [#####·····] 42% 42/100`, or `label 42` when the total is unknown. */
export function formatProgress(label: string, done: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return `${label} ${done}`;
  const ratio = Math.min(1, Math.max(0, done / total));
  const filled = Math.round(ratio * BAR_WIDTH);
  return `${label} [${'#'.repeat(filled)}${'·'.repeat(BAR_WIDTH - filled)}] ${Math.floor(ratio * 100)}% ${done}/${total}`;
}

/** A progress line for long work: drawn in place on a terminal; silent when not a TTY or with --json. */
export function createProgress(options: ProgressOptions): Progress {
  if (options.json === true || options.stream.isTTY !== true) return SILENT;
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 100;
  let count = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let finished = false;
  const draw = (force: boolean) => {
    if (finished || (!force && now() - drawnAt < interval)) return;
    drawnAt = now();
    options.stream.write(`\r\u001b[2K${formatProgress(options.label, count, options.total)}`);
  };
  const update = (done: number) => {
    count = done;
    draw(false);
  };
  return {
    tick: (n = 1) => update(count + n),
    update,
    done: () => {
      draw(true);
      if (!finished) options.stream.write('\n');
      finished = true;
    },
  };
}
