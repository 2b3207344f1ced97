import { invalidParameter } from './errors.js';

/**
 * A model URI, parsed: `models:/<name>/<version>`, `models:/<name>/<semver>` (`1.4.0`), `models:/<name>@<alias>`,
 * `models:/<name>/latest`, `models:/<name>/<stage>` (MLflow's deprecated stage URIs), or `runs:/<run_id>/<path>`.
 */
export type ModelUri =
  | { readonly kind: 'version'; readonly name: string; readonly version: number }
  | { readonly kind: 'semver'; readonly name: string; readonly semver: string }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string }
  | { readonly kind: 'latest'; readonly name: string }
  | { readonly kind: 'stage'; readonly name: string; readonly stage: string }
  | { readonly kind: 'run'; readonly runId: string; readonly path: string };

/** The longest model URI accepted, in characters. */
export const MAX_MODEL_URI_LENGTH = 2048;

const HINT =
  'Use models:/<name>/<version>, models:/<name>/<major.minor.patch>, models:/<name>@<alias> or runs:/<run_id>/<path>.';
const VERSION = /^[1-9]\d{0,15}$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const STAGES = ['none', 'staging', 'production', 'archived'];

const bad = (uri: string, why: string) =>
  invalidParameter(`Invalid model URI '${uri.slice(0, 200)}': ${why}.`, { hint: HINT });

/** Parses a model URI; INVALID_PARAMETER_VALUE for anything else. Names and paths are checked by their users. */
export function parseModelUri(uri: string): ModelUri {
  if (uri.length > MAX_MODEL_URI_LENGTH) throw bad(uri, `it is longer than ${MAX_MODEL_URI_LENGTH} characters`);
  if (uri.startsWith('models:/')) return parseModelsUri(uri, uri.slice('models:/'.length));
  if (uri.startsWith('runs:/')) return parseRunsUri(uri, uri.slice('runs:/'.length));
  throw bad(uri, 'it is neither a models:/ nor a runs:/ URI');
}

function parseModelsUri(uri: string, rest: string): ModelUri {
  if (rest.startsWith('/')) throw bad(uri, 'it names a host (models://…); use models:/<name>/…');
  const slash = rest.indexOf('/');
  if (slash === -1) {
    const at = rest.lastIndexOf('@');
    if (at <= 0 || at === rest.length - 1) throw bad(uri, 'it has neither a version nor an @alias');
    return { kind: 'alias', name: rest.slice(0, at), alias: rest.slice(at + 1) };
  }
  const name = rest.slice(0, slash);
  const ref = rest.slice(slash + 1);
  if (name === '') throw bad(uri, 'the model name is empty');
  if (VERSION.test(ref)) return { kind: 'version', name, version: Number(ref) };
  if (SEMVER.test(ref)) return { kind: 'semver', name, semver: ref };
  if (ref.toLowerCase() === 'latest') return { kind: 'latest', name };
  if (STAGES.includes(ref.toLowerCase())) return { kind: 'stage', name, stage: ref };
  throw bad(uri, `'${ref.slice(0, 80)}' is not a version number, a semantic version, "latest" or a stage`);
}

const RUN_ID = /^[0-9a-f]{32}$/;

function parseRunsUri(uri: string, rest: string): ModelUri {
  const slash = rest.indexOf('/');
  const runId = slash === -1 ? rest : rest.slice(0, slash);
  if (!RUN_ID.test(runId)) throw bad(uri, 'the run id must be 32 lower-case hexadecimal characters');
  return { kind: 'run', runId, path: slash === -1 ? '' : rest.slice(slash + 1) };
}

/** `models:/<name>/<version>`. */
export const modelVersionUri = (name: string, version: number | string): string => `models:/${name}/${version}`;
