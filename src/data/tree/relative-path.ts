/**
 * Paths inside the workspace as Slipway stores them (pointer files, tree entries, the state index): relative,
 * `/`-separated, with no empty, `.` or `..` segment, no backslash and no NUL. Such a path can never name a file
 * outside the folder it is resolved against.
 */
export const isSafeRelativePath = (path: string): boolean => path !== '' && !UNSAFE_PATH.test(path);

/** An empty, `.` or `..` segment (leading, trailing, doubled `/` included), a backslash or a NUL. */
const UNSAFE_PATH = /(?:^|\/)\.{0,2}(?:\/|$)|[\\\0]/;

export const SAFE_PATH_RULE =
  'must be a relative path with `/` separators and no `..`, `.` or empty segments (it may not leave its folder)';

/**
 * Compares two strings by Unicode code point (the order of their UTF-8 bytes), which JavaScript's default
 * UTF-16 order differs from only for characters outside the Basic Multilingual Plane.
 */
export const compareCodePoints = (a: string, b: string): number => {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
};

/** Surrogates (U+D800–DFFF) sort after U+E000–FFFF in code point order; shift both ranges to match. */
const codePointRank = (unit: number): number => (unit < 0xd800 ? unit : unit >= 0xe000 ? unit - 0x800 : unit + 0x2000);

/** `a/b` is inside `a` (or equal to it); `ab` is not. */
export const isSameOrInside = (path: string, folder: string): boolean =>
  folder === '' || path === folder || path.startsWith(`${folder}/`);
