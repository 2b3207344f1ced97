import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  KEYWORDS,
  type Keyword,
  type SearchToken,
} from './search-tokens.js';

/** Raised by the tokenizer; the parser turns it into a positioned INVALID_PARAMETER_VALUE. */
export class SearchLexError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'SearchLexError';
  }
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const BARE_KEY = /[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*/y;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORD_CHAR = /[A-Za-z0-9_.]/;
const SPACE = /\s/;
const OPERATORS: readonly ComparisonOperator[] = [...COMPARISON_OPERATORS].sort((a, b) => b.length - a.length);

const keywordOf = (word: string): Keyword | undefined => KEYWORDS.find((keyword) => keyword === word.toUpperCase());

/** Splits a filter or order_by text into tokens; the last one is always `end`. Throws SearchLexError. */
export function tokenizeSearchText(text: string): SearchToken[] {
  const tokens: SearchToken[] = [];
  let at = skipSpace(text, 0);
  while (at < text.length) {
    const token = readToken(text, at);
    tokens.push(token);
    at = skipSpace(text, token.end);
  }
  tokens.push({ kind: 'end', start: text.length, end: text.length, text: '' });
  return tokens;
}

function skipSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && SPACE.test(text.charAt(at))) at += 1;
  return at;
}

function readToken(text: string, at: number): SearchToken {
  const char = text.charAt(at);
  if (char === "'" || char === '"') return readString(text, at, char);
  if (char === '`') return readBacktickIdentifier(text, at);
  if (char === '(' || char === ')' || char === ',') return { kind: char, start: at, end: at + 1, text: char };
  if (/[0-9.-]/.test(char)) return readNumber(text, at);
  if (/[A-Za-z_]/.test(char)) return readWord(text, at);
  const op = OPERATORS.find((candidate) => text.startsWith(candidate, at));
  if (op !== undefined) return { kind: 'operator', op, start: at, end: at + op.length, text: op };
  throw new SearchLexError(`unexpected character '${char}'`, at);
}

/**
 * A quoted string. Inside, the quote is written twice or escaped with a backslash, and `\\` is one backslash;
 * any other backslash is kept as is (so LIKE patterns can escape `%` and `_` with `\`).
 */
function readString(text: string, start: number, quote: "'" | '"'): SearchToken {
  const { value, end } = readQuoted(text, start, quote, true);
  return { kind: 'string', value, quote, start, end, text: text.slice(start, end) };
}

/** Reads from the opening quote at `start`; returns the decoded content and the offset past the closing quote. */
function readQuoted(text: string, start: number, quote: string, backslashes: boolean): { value: string; end: number } {
  let value = '';
  let at = start + 1;
  while (at < text.length) {
    const char = text.charAt(at);
    const next = text.charAt(at + 1);
    if (char === quote && next === quote) {
      value += quote;
      at += 2;
    } else if (char === quote) {
      return { value, end: at + 1 };
    } else if (backslashes && char === '\\' && (next === quote || next === '\\')) {
      value += next;
      at += 2;
    } else {
      value += char;
      at += 1;
    }
  }
  throw new SearchLexError(`unterminated ${quote === '`' ? 'backtick-quoted name' : 'string'}`, start);
}

/** `` `key` `` (a bare key), or `` `prefix`.key `` (MLflow accepts a backticked entity name). */
function readBacktickIdentifier(text: string, start: number): SearchToken {
  const { value, end } = readQuoted(text, start, '`', false);
  if (text.charAt(end) === '.') return readPrefixedKey(text, start, value, end + 1);
  return { kind: 'identifier', prefix: undefined, key: value, start, end, text: text.slice(start, end) };
}

function readNumber(text: string, start: number): SearchToken {
  NUMBER.lastIndex = start;
  const match = NUMBER.exec(text);
  if (match === null) throw new SearchLexError(`unexpected character '${text.charAt(start)}'`, start);
  const end = start + match[0].length;
  if (end < text.length && WORD_CHAR.test(text.charAt(end))) {
    throw new SearchLexError(`invalid number '${text.slice(start, end + 1)}'`, start);
  }
  const value = Number(match[0]);
  if (!Number.isFinite(value)) throw new SearchLexError(`number '${match[0]}' is out of range`, start);
  return { kind: 'number', value: value + 0, start, end, text: match[0] };
}

function readWord(text: string, start: number): SearchToken {
  WORD.lastIndex = start;
  const word = WORD.exec(text)?.[0] ?? '';
  const afterWord = start + word.length;
  if (text.charAt(afterWord) === '.') return readPrefixedKey(text, start, word, afterWord + 1);
  const keyword = keywordOf(word);
  if (keyword !== undefined) return { kind: 'keyword', word: keyword, start, end: afterWord, text: word };
  return { kind: 'identifier', prefix: undefined, key: word, start, end: afterWord, text: word };
}

/** `prefix.` then a bare key (dots allowed), a "double-quoted", 'single-quoted' or `backticked` key. */
function readPrefixedKey(text: string, start: number, prefix: string, keyStart: number): SearchToken {
  const char = text.charAt(keyStart);
  let key: string;
  let end: number;
  if (char === '`' || char === '"' || char === "'") {
    ({ value: key, end } = readQuoted(text, keyStart, char, char !== '`'));
  } else {
    BARE_KEY.lastIndex = keyStart;
    const bare = BARE_KEY.exec(text)?.[0];
    if (bare === undefined) throw new SearchLexError(`expected a key after '${prefix}.'`, keyStart);
    key = bare;
    end = keyStart + bare.length;
    if (WORD_CHAR.test(text.charAt(end)) || text.charAt(end) === '-') {
      throw new SearchLexError(
        `unexpected character '${text.charAt(end)}' in key '${prefix}.${bare}' (wrap keys with symbols in backticks)`,
        end,
      );
    }
  }
  return { kind: 'identifier', prefix, key, start, end, text: text.slice(start, end) };
}
