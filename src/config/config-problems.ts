import type { z } from 'zod';
import { invalidParameter, type SlipwayError } from '../domain/errors.js';

/** One thing wrong with a setting: where (key path inside its layer) and what. */
export interface ConfigProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const UNKNOWN_KEY = 'unknown key (check the spelling; docs/configuration.md lists every key)';

/** Flattens zod issues into problems, one per unknown key. */
export function problemsOf(error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: UNKNOWN_KEY }))
      : [{ path: issue.path, message: issue.message }],
  );
}

export const formatKeyPath = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? '(top level)' : path.map(String).join('.');

/** One error listing every problem, each line naming its source (file and key, variable or flag). */
export function configError(lines: readonly string[]): SlipwayError {
  const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
  return invalidParameter(`Invalid configuration (${count}):\n${lines.map((line) => `  - ${line}`).join('\n')}`, {
    hint: 'Fix the settings listed above; docs/configuration.md lists every key, its type and its default.',
  });
}
