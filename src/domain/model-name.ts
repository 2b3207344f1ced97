import { percentDecodeToFixedPoint } from './artifact-path.js';
import { invalidParameter } from './errors.js';

/** Bounds on registry names, in characters (MLflow's registered_models.name and alias columns are 256 wide). */
export const REGISTRY_NAME_LIMITS = Object.freeze({ modelName: 256, alias: 256 });

/** A registered model's name as written, and the key that makes it unique. */
export interface ModelName {
  readonly name: string;
  /** NFC of the fully percent-decoded name: `caf%C3%A9`, `café` (NFC) and `café` (NFD) share one key. */
  readonly key: string;
}

const CONTROL = /[\p{Cc}\p{Cs}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const HINT = 'Use a short name such as "wine-quality": no "/", no control characters, at most 256 characters.';

/**
 * Checks a registered model name and computes its key. Every check runs on the decoded, normalized text too, so
 * an encoded "/" or control character is refused like a literal one. `/` is refused because it separates the
 * name from the version in `models:/<name>/<version>`.
 */
export function parseModelName(raw: string, field = 'name'): ModelName {
  if (raw === '') throw invalidParameter(`Missing value for required parameter '${field}'.`, { hint: HINT });
  if (raw.length > REGISTRY_NAME_LIMITS.modelName) {
    throw invalidParameter(
      `'${field}' exceeds the maximum length of ${REGISTRY_NAME_LIMITS.modelName} characters (got ${raw.length}).`,
      { hint: HINT },
    );
  }
  const key = percentDecodeToFixedPoint(raw, field).normalize('NFC');
  for (const text of [raw, key]) {
    if (CONTROL.test(text)) throw badName(field, 'it contains a control or bidirectional-text character');
    if (text.includes('/')) throw badName(field, 'it contains "/"');
    if (text.trim() === '') throw badName(field, 'it is blank');
  }
  return { name: raw, key };
}

const badName = (field: string, why: string) =>
  invalidParameter(`Invalid registered model ${field}: ${why}.`, { hint: HINT });

const ALIAS = /^[\w-]*$/;
const VERSION_LIKE = /^[vV]\d+$/;

/** MLflow's alias rule: word characters and `-`, at most 256, not `latest` nor `v<number>` (both reserved). */
export function checkAliasName(alias: string, field = 'alias'): void {
  const fail = (why: string) =>
    invalidParameter(`Invalid alias name '${alias.slice(0, 100)}' for '${field}': ${why}.`, {
      hint: 'Aliases look like "production" or "champion-2024": letters, digits, "_" and "-".',
    });
  if (alias === '') throw fail('Registered model alias name cannot be empty');
  if (!ALIAS.test(alias)) throw fail('Names may only contain alphanumerics, underscores (_), and dashes (-)');
  if (alias.length > REGISTRY_NAME_LIMITS.alias) throw fail(`it is longer than ${REGISTRY_NAME_LIMITS.alias}`);
  if (alias.toLowerCase() === 'latest') throw fail("'latest' alias name (case insensitive) is reserved");
  if (VERSION_LIKE.test(alias)) throw fail(`Version alias name '${alias}' is reserved`);
}
