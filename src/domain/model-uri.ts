import { valid as validSemver } from 'semver';
import { type ArtifactPath, parseArtifactPath } from './artifact-path.js';
import { invalidParameter, type SlipwayError } from './errors.js';

/**
 * Where a model comes from. Parsing only: resolving a URI to a model tree digest is the registry's and the
 * tracking store's business.
 *
 * - `runs:/<run_id>/<path>` — a folder of a run's artifacts (`path` may be empty: the artifact root);
 * - `models:/<name>/<version>` — an integer version; `models:/<name>/latest` — the newest version;
 * - `models:/<name>/<semver>` — a semantic version such as `1.4.0`;
 * - `models:/<name>@<alias>` — the version an alias points at;
 * - `models:/<name>/<stage>` — MLflow's deprecated stage URIs (`Production`, `Staging`…): the newest version in it;
 * - `models:/m-<32 hex>` — an MLflow 3 logged model id;
 * - a local folder: a path without a scheme, or `file:///abs/path`.
 */
export type ModelUri =
  | { readonly kind: 'run'; readonly runId: string; readonly path: ArtifactPath }
  | { readonly kind: 'version'; readonly name: string; readonly version: number }
  | { readonly kind: 'latest'; readonly name: string }
  | { readonly kind: 'semver'; readonly name: string; readonly semver: string }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string }
  | { readonly kind: 'stage'; readonly name: string; readonly stage: string }
  | { readonly kind: 'logged-model'; readonly modelId: string }
  | { readonly kind: 'folder'; readonly path: string };

export const MODEL_URI_LIMITS = { maxLength: 4096, maxNameLength: 256, maxAliasLength: 255 } as const;

const FORMS =
  'runs:/<run_id>/<path>, models:/<name>/<version>, models:/<name>/<semver>, models:/<name>@<alias>, ' +
  'models:/<name>/latest, or a local folder path';

const invalid = (uri: string, why: string, hint = `A model URI is one of: ${FORMS}.`): SlipwayError =>
  invalidParameter(`Invalid model URI '${uri.slice(0, 200)}': ${why}.`, { hint });

/** MLflow's run id rule: an alphanumeric, then up to 255 word characters or dashes. */
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const ALIAS = /^[\w-]+$/;
const VERSION = /^[1-9]\d{0,15}$/;
const LOGGED_MODEL_ID = /^m-[0-9a-f]{32}$/;
const STAGES = new Set(['none', 'staging', 'production', 'archived']);
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;

/** Parses a model URI or folder path; INVALID_PARAMETER_VALUE naming the problem otherwise. */
export function parseModelUri(uri: string): ModelUri {
  if (uri.length === 0) throw invalid(uri, 'it is empty');
  if (uri.length > MODEL_URI_LIMITS.maxLength) throw invalid(uri, `it is longer than ${MODEL_URI_LIMITS.maxLength}`);
  if (/\p{Cc}/u.test(uri)) throw invalid(uri, 'it contains a control character');
  const scheme = WINDOWS_DRIVE.test(uri) ? undefined : SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'folder', path: uri };
  if (scheme === 'runs') return parseRunsUri(uri);
  if (scheme === 'models') return parseModelsUri(uri);
  if (scheme === 'file') return parseFileUri(uri);
  throw invalid(uri, `the scheme '${scheme}:' is not supported`);
}

function parseRunsUri(uri: string): ModelUri {
  const rest = uri.slice('runs:'.length);
  if (!rest.startsWith('/') || rest.startsWith('//')) throw invalid(uri, "it must start with 'runs:/<run_id>'");
  const slash = rest.indexOf('/', 1);
  const runId = slash === -1 ? rest.slice(1) : rest.slice(1, slash);
  if (!RUN_ID.test(runId)) throw invalid(uri, `'${runId.slice(0, 80)}' is not a run id`);
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  return { kind: 'run', runId, path: parseArtifactPath(path, { field: 'model URI path', directory: true }) };
}

function parseModelsUri(uri: string): ModelUri {
  const rest = uri.slice('models:'.length);
  if (!rest.startsWith('/') || rest.startsWith('//')) throw invalid(uri, "it must start with 'models:/'");
  const body = rest.slice(1);
  if (LOGGED_MODEL_ID.test(body)) return { kind: 'logged-model', modelId: body };
  const at = body.lastIndexOf('@');
  const slash = body.indexOf('/');
  if (at !== -1 && slash === -1) return aliasUri(uri, body.slice(0, at), body.slice(at + 1));
  if (slash === -1) throw invalid(uri, "it names no version: add '/<version>' or '@<alias>'");
  return versionUri(uri, checkName(uri, body.slice(0, slash)), body.slice(slash + 1));
}

function aliasUri(uri: string, name: string, alias: string): ModelUri {
  if (alias.length === 0 || alias.length > MODEL_URI_LIMITS.maxAliasLength || !ALIAS.test(alias)) {
    throw invalid(uri, `'${alias.slice(0, 80)}' is not an alias (letters, digits, '_' and '-')`);
  }
  return { kind: 'alias', name: checkName(uri, name), alias };
}

function versionUri(uri: string, name: string, version: string): ModelUri {
  if (VERSION.test(version)) return { kind: 'version', name, version: Number(version) };
  if (version === 'latest') return { kind: 'latest', name };
  if (validSemver(version) === version) return { kind: 'semver', name, semver: version };
  if (STAGES.has(version.toLowerCase())) return { kind: 'stage', name, stage: version };
  throw invalid(uri, `'${version.slice(0, 80)}' is not a version number, a semantic version, 'latest' or a stage`);
}

function checkName(uri: string, name: string): string {
  if (name.length === 0) throw invalid(uri, 'the model name is empty');
  if (name.length > MODEL_URI_LIMITS.maxNameLength) throw invalid(uri, 'the model name is too long');
  if (/[/@%\\]/.test(name) || name.trim() !== name) {
    throw invalid(uri, "the model name may not contain '/', '@', '%', '\\' or surrounding spaces");
  }
  return name;
}

/** `file:///abs/path` (or `file:/abs/path`) → the absolute path, percent-decoded once as a file URL is. */
function parseFileUri(uri: string): ModelUri {
  const match = /^file:(?:\/\/(?:localhost)?)?(\/(?!\/)[^?#]*)$/i.exec(uri);
  if (match?.[1] === undefined) throw invalid(uri, 'a file URI must be file:///absolute/path with no query');
  let path: string;
  try {
    path = decodeURIComponent(match[1]);
  } catch {
    throw invalid(uri, 'its percent-escapes are not valid UTF-8');
  }
  if (path.includes('\0')) throw invalid(uri, 'it contains NUL');
  return { kind: 'folder', path };
}

/** The canonical text of a parsed URI (folders as given). */
export function formatModelUri(uri: ModelUri): string {
  switch (uri.kind) {
    case 'run':
      return uri.path === '' ? `runs:/${uri.runId}` : `runs:/${uri.runId}/${uri.path}`;
    case 'version':
      return `models:/${uri.name}/${uri.version}`;
    case 'latest':
      return `models:/${uri.name}/latest`;
    case 'semver':
      return `models:/${uri.name}/${uri.semver}`;
    case 'alias':
      return `models:/${uri.name}@${uri.alias}`;
    case 'stage':
      return `models:/${uri.name}/${uri.stage}`;
    case 'logged-model':
      return `models:/${uri.modelId}`;
    case 'folder':
      return uri.path;
  }
}

/** `models:/<name>/<version>`. */
export const modelVersionUri = (name: string, version: number | string): string => `models:/${name}/${version}`;
