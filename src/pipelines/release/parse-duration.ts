/** The longest duration slipway.yaml accepts (a rollout step, an interval): one day. */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/;

/**
 * A duration as slipway.yaml writes it, in whole milliseconds: `500ms`, `30s`, `2m`, `1h`, `1.5s`, or a bare
 * number of seconds (`30`, `"30"`). Undefined when it is none of these, not positive, shorter than 1 ms once
 * rounded, or longer than a day.
 */
export function parseDuration(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value * UNIT_MS.s;
  else if (typeof value === 'string') {
    const match = DURATION.exec(value.trim());
    if (match !== null) ms = Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS];
  }
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const rounded = Math.round(ms);
  return rounded >= 1 && rounded <= MAX_DURATION_MS ? rounded : undefined;
}
