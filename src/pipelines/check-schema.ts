import type { z } from 'zod';

export type Path = readonly (string | number)[];
/** Records one problem at `path` (at its key with `key`): what is wrong and what to do. */
export type Report = (path: Path, what: string, todo: string, key?: boolean) => void;

/**
 * Validates `value` with `schema`, reporting each issue at its place (`base` + the issue's path); undefined when
 * invalid. Messages written `what — what to do` are split at the dash; others get `todo`.
 */
export function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
  base: Path,
  report: Report,
  todo = 'see docs/pipelines.md',
): z.infer<T> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) reportIssue(issue, base, report, todo);
  return undefined;
}

function reportIssue(issue: z.core.$ZodIssue, base: Path, report: Report, todo: string): void {
  const custom = issue.message.includes(' — ');
  const [what = issue.message, action = todo] = issue.message.split(' — ');
  const path = [...base, ...(issue.path as (string | number)[])];
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) report([...path, key], `${key}: ${custom ? what : 'unknown key'}`, action, true);
    return;
  }
  report(path, custom || path.length === 0 ? what : `${path.join('.')}: ${what}`, action);
}
