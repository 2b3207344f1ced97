import { FILTER_LIMITS } from './filter-limits.js';

/**
 * LIKE / ILIKE patterns: `%` matches any run of characters, `_` one character, and a backslash makes the next
 * character literal (`100\%`). The same on SQLite and PostgreSQL: queries pass `ESCAPE '\'` on both.
 */
export const LIKE_ESCAPE = '\\';

/** Why a pattern is refused (too long, too many wildcards, a dangling escape), or undefined when it is fine. */
export function likePatternProblem(pattern: string): string | undefined {
  if (pattern.length > FILTER_LIMITS.likePattern) {
    return `the pattern is ${pattern.length} characters long; at most ${FILTER_LIMITS.likePattern} are allowed`;
  }
  let wildcards = 0;
  for (let at = 0; at < pattern.length; at += 1) {
    const char = pattern.charAt(at);
    if (char === LIKE_ESCAPE) {
      if (at === pattern.length - 1) return `the pattern ends with the escape character '${LIKE_ESCAPE}'`;
      at += 1;
    } else if (char === '%') {
      wildcards += 1;
    }
  }
  if (wildcards > FILTER_LIMITS.likeWildcards) {
    return `the pattern has ${wildcards} '%' wildcards; at most ${FILTER_LIMITS.likeWildcards} are allowed`;
  }
  return undefined;
}

/**
 * The GLOB pattern (SQLite's case-sensitive matcher) equal to a LIKE pattern: `%` → `*`, `_` → `?`, and the
 * characters GLOB treats specially (`*`, `?`, `[`) wrapped in brackets when meant literally.
 */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (let at = 0; at < pattern.length; at += 1) {
    const char = pattern.charAt(at);
    if (char === '%') glob += '*';
    else if (char === '_') glob += '?';
    else {
      const literal = char === LIKE_ESCAPE ? pattern.charAt(++at) : char;
      glob += literal === '*' || literal === '?' || literal === '[' ? `[${literal}]` : literal;
    }
  }
  return glob;
}

/** Whether `value` matches a LIKE pattern (case-sensitive unless `ignoreCase`): the reference semantics, for tests. */
export function matchesLike(value: string, pattern: string, ignoreCase = false): boolean {
  let source = '';
  for (let at = 0; at < pattern.length; at += 1) {
    const char = pattern.charAt(at);
    if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else {
      const literal = char === LIKE_ESCAPE ? pattern.charAt(++at) : char;
      source += literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u').test(value);
}
