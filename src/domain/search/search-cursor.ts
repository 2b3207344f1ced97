import type { SlipwayError } from '../errors.js';
import { type SearchTextKind, searchSyntaxError } from './search-syntax-error.js';
import type { Keyword, SearchToken } from './search-tokens.js';
import { SearchLexError, tokenizeSearchText } from './tokenize-search-text.js';

/** Walks the tokens of one filter or order_by text and builds positioned errors about it. */
export class SearchCursor {
  readonly #tokens: SearchToken[];
  #at = 0;

  constructor(
    readonly kind: SearchTextKind,
    readonly text: string,
  ) {
    try {
      this.#tokens = tokenizeSearchText(text);
    } catch (error) {
      if (error instanceof SearchLexError) throw this.fail(error.message, error.position);
      throw error;
    }
  }

  /** The current token (the `end` token once everything is read). */
  peek(): SearchToken {
    return this.#tokens[this.#at] ?? this.#endToken();
  }

  /** The current token, moving past it. */
  next(): SearchToken {
    const token = this.peek();
    if (token.kind !== 'end') this.#at += 1;
    return token;
  }

  /** Moves past the current token when it is `word`. */
  accept(word: Keyword): boolean {
    const token = this.peek();
    if (token.kind !== 'keyword' || token.word !== word) return false;
    this.#at += 1;
    return true;
  }

  /** An INVALID_PARAMETER_VALUE about this text, at a token or a 0-based offset. */
  fail(what: string, where?: SearchToken | number): SlipwayError {
    const position = typeof where === 'number' || where === undefined ? where : where.start;
    return searchSyntaxError(this.kind, this.text, what, position);
  }

  #endToken(): SearchToken {
    return { kind: 'end', start: this.text.length, end: this.text.length, text: '' };
  }
}
