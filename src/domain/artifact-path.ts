import { invalidParameter, type SlipwayError } from './errors.js';

declare const ARTIFACT_PATH: unique symbol;

/**
 * A validated, canonical artifact path: relative, `/`-separated, fully percent-decoded, with no empty, `.` or `..`
 * segment, no backslash, control character, `#`, `?` or `;`. The empty string is the root (directories only).
 */
export type ArtifactPath = string & { readonly [ARTIFACT_PATH]: true };

export const ARTIFACT_PATH_LIMITS = {
  /** UTF-8 bytes of the decoded path (S3 keys stop at 1024; PostgreSQL's index holds keys up to ~2.7 kB). */
  maxBytes: 1024,
  /** UTF-8 bytes of one segment (a file or folder name on most file systems). */
  maxSegmentBytes: 255,
  /** Characters of the raw, possibly encoded input, checked before any decoding. */
  maxRawLength: 8192,
  /** Percent-decoding rounds that may still change the path; one more must leave it unchanged. */
  maxDecodeRounds: 4,
} as const;

export interface ArtifactPathOptions {
  /** The field named in messages; default `path`. */
  readonly field?: string;
  /** A folder: the empty path (the root) is allowed and one trailing `/` is dropped. */
  readonly directory?: boolean;
}

export const ARTIFACT_ROOT = '' as ArtifactPath;

const HINT =
  'Give a path relative to the artifact root with "/" between folders, such as "model/MLmodel"; ' +
  'names may not be "." or "..", nor contain "\\", "#", "?", ";" or control characters.';

const invalid = (field: string, why: string): SlipwayError =>
  invalidParameter(`Invalid ${field}: ${why}.`, { hint: HINT });

const utf8 = new TextEncoder();
const byteLength = (text: string): number => utf8.encode(text).byteLength;

const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;

/** One round of percent-decoding. Escapes must decode to valid UTF-8; a `%` not followed by two hex digits stays. */
function percentDecodeOnce(text: string, field: string): string {
  return text.replace(ESCAPES, (run) => {
    const bytes = Uint8Array.from(run.slice(1).split('%'), (hex) => Number.parseInt(hex, 16));
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw invalid(field, 'its percent-escapes do not decode to valid UTF-8');
    }
  });
}

/** Decodes until a round changes nothing; a path still changing after the bound is refused, never half-decoded. */
export function percentDecodeToFixedPoint(raw: string, field = 'path'): string {
  let current = raw;
  for (let round = 0; round <= ARTIFACT_PATH_LIMITS.maxDecodeRounds; round++) {
    const next = percentDecodeOnce(current, field);
    if (next === current) return current;
    current = next;
  }
  throw invalid(field, `it is still percent-encoded after ${ARTIFACT_PATH_LIMITS.maxDecodeRounds} rounds of decoding`);
}

const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const SCHEME_OR_DRIVE = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const NON_ASCII = /[\u0080-\u{10FFFF}]/gu;
const PATH_SIGNIFICANT = /[./\\]/;
/** Slashes that NFKC leaves alone but that render like `/` or `\`. */
const SLASH_LOOK_ALIKES = /[\u2044\u2215\u2216\u27CB\u27CD\u29F5\u29F8\u29F9]/u;

/**
 * A non-ASCII character that some systems fold (NFKC) into `.`, `/` or `\` (U+FF0E, U+FF0F, …) or that renders
 * as a slash. The path itself is never folded: such characters are refused instead.
 */
function lookAlike(text: string): string | undefined {
  for (const [char] of text.matchAll(NON_ASCII)) {
    if (SLASH_LOOK_ALIKES.test(char) || PATH_SIGNIFICANT.test(char.normalize('NFKC'))) return char;
  }
  return undefined;
}

const codePoint = (char: string): string =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The reason a decoded path is refused for the characters it holds, if any. */
function characterProblem(path: string): string | undefined {
  if (/\p{Cc}/u.test(path)) return 'it contains a control character (NUL, tab, line break…)';
  if (/\p{Cs}/u.test(path)) return 'it contains an unpaired UTF-16 surrogate';
  if (BIDI_CONTROLS.test(path)) return 'it contains a bidirectional-text control character';
  if (path.includes('\\')) return 'it contains a backslash ("\\"); separate folders with "/"';
  const special = /[#?;]/.exec(path)?.[0];
  if (special !== undefined) return `it contains "${special}"`;
  const similar = lookAlike(path);
  if (similar !== undefined) return `it contains ${codePoint(similar)}, a look-alike of ".", "/" or "\\"`;
  return undefined;
}

/** The reason a decoded path is refused for its shape, if any. */
function shapeProblem(path: string): string | undefined {
  if (path.startsWith('/')) return 'it must be relative to the artifact root, not start with "/"';
  if (byteLength(path) > ARTIFACT_PATH_LIMITS.maxBytes) {
    return `it is longer than ${ARTIFACT_PATH_LIMITS.maxBytes} bytes`;
  }
  for (const segment of path.split('/')) {
    const problem = segmentProblem(segment);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'it contains an empty segment ("//" or a trailing "/")';
  if (segment === '.' || segment === '..') return `it contains a "${segment}" segment`;
  if (/^[. ]+$/.test(segment)) return 'it contains a segment made only of dots and spaces';
  if (SCHEME_OR_DRIVE.test(segment)) return 'it looks like a URI or holds a Windows drive ("file:", "C:")';
  if (byteLength(segment) > ARTIFACT_PATH_LIMITS.maxSegmentBytes) {
    return `one of its names is longer than ${ARTIFACT_PATH_LIMITS.maxSegmentBytes} bytes`;
  }
  return undefined;
}

/**
 * Validates an artifact path as received (possibly percent-encoded, several times over) and returns its canonical
 * form. Decoding runs to a fixed point first, so every check sees the string that will be used; nothing is ever
 * normalised away (`a/../b` is refused, not turned into `b`), and no Unicode folding is applied.
 */
export function parseArtifactPath(raw: string, options: ArtifactPathOptions = {}): ArtifactPath {
  const field = options.field ?? 'path';
  if (raw.length > ARTIFACT_PATH_LIMITS.maxRawLength) {
    throw invalid(field, `it is longer than ${ARTIFACT_PATH_LIMITS.maxRawLength} characters`);
  }
  const decoded = percentDecodeToFixedPoint(raw, field);
  if (decoded === '') {
    if (options.directory === true) return ARTIFACT_ROOT;
    throw invalid(field, 'it is empty');
  }
  const problem = characterProblem(decoded) ?? shapeProblem(withoutTrailingSlash(decoded, options));
  if (problem !== undefined) throw invalid(field, problem);
  return withoutTrailingSlash(decoded, options) as ArtifactPath;
}

const withoutTrailingSlash = (path: string, options: ArtifactPathOptions): string =>
  options.directory === true && path.endsWith('/') && path !== '/' ? path.slice(0, -1) : path;

/** Joins canonical paths (the root contributes nothing); refuses a result longer than the limit. */
export function joinArtifactPath(field: string, ...parts: readonly ArtifactPath[]): ArtifactPath {
  const joined = parts.filter((part) => part !== '').join('/');
  if (byteLength(joined) > ARTIFACT_PATH_LIMITS.maxBytes) {
    throw invalid(field, `the full path is longer than ${ARTIFACT_PATH_LIMITS.maxBytes} bytes`);
  }
  return joined as ArtifactPath;
}

/** The last segment of a path (its file or folder name); the root's is ''. */
export const artifactBaseName = (path: ArtifactPath): string => path.slice(path.lastIndexOf('/') + 1);

/** The ancestors of a path, nearest last: `a/b/c` → [`a`, `a/b`]. */
export function artifactAncestors(path: ArtifactPath): ArtifactPath[] {
  const segments = path.split('/');
  return segments.slice(1).map((_, index) => segments.slice(0, index + 1).join('/') as ArtifactPath);
}

/** Whether `path` is `root` itself or lies under it. */
export const isWithinArtifactPath = (root: ArtifactPath, path: ArtifactPath): boolean =>
  root === '' || path === root || path.startsWith(`${root}/`);
