import { compare, inc, parse, valid } from 'semver';
import { invalidParameter } from './errors.js';
import { isCompatibleSignature, type ModelSignature } from './model-signature.js';

/** What a new model version changes compared with the previous one. */
export type SemverBump = 'major' | 'minor' | 'patch';

/** The first semantic version of a model. */
export const FIRST_SEMVER = '1.0.0';

/** What a version needs to be compared: its content digest and its signature. */
export interface VersionShape {
  readonly digest: string;
  readonly signature: ModelSignature | null;
}

/**
 * The bump from the previous version to the next: PATCH when the bytes are identical (same tree digest), MAJOR
 * when the signature changed incompatibly (an input removed, renamed or retyped, a new required input, any output
 * change, the signature dropped), MINOR otherwise.
 */
export function semverBump(previous: VersionShape, next: VersionShape): SemverBump {
  if (previous.digest === next.digest) return 'patch';
  return isCompatibleSignature(previous.signature, next.signature) ? 'minor' : 'major';
}

/** The highest of the given versions (none: undefined). */
export function highestSemver(versions: readonly string[]): string | undefined {
  return versions
    .filter((v) => valid(v) !== null)
    .sort(compare)
    .at(-1);
}

/**
 * The version after `highest` for a bump. Bumping the highest existing version (not just the previous one) keeps
 * automatic versions unique even after manual overrides. A prerelease highest (`2.0.0-rc.1`) is bumped past.
 */
export function nextSemver(highest: string | undefined, bump: SemverBump): string {
  if (highest === undefined) return FIRST_SEMVER;
  const next = inc(highest, bump);
  if (next === null) throw new Error(`cannot bump ${highest}`);
  return next;
}

/** Bounds a semantic version string: `1.4.0` or `2.0.0-rc.1`, no build metadata, no leading `v`. */
export const MAX_SEMVER_LENGTH = 64;

/** Checks a semantic version given at registration; returns its canonical text. */
export function parseSemverOverride(text: string, field = 'semver'): string {
  const parsed = text.length <= MAX_SEMVER_LENGTH ? parse(text) : null;
  if (parsed === null || parsed.build.length > 0 || parsed.version !== text) {
    throw invalidParameter(`Invalid semantic version '${text.slice(0, 80)}' for '${field}'.`, {
      hint: 'Give MAJOR.MINOR.PATCH such as 1.4.0, optionally with a prerelease (2.0.0-rc.1); no "v", no "+build".',
    });
  }
  return parsed.version;
}
