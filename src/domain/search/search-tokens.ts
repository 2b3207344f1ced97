/** The words the search grammar reserves (matched case-insensitively, never followed by a dot). */
export const KEYWORDS = ['AND', 'OR', 'IN', 'NOT', 'LIKE', 'ILIKE', 'IS', 'NULL', 'ASC', 'DESC'] as const;
export type Keyword = (typeof KEYWORDS)[number];

export const COMPARISON_OPERATORS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

interface Span {
  /** 0-based offset of the first character. */
  readonly start: number;
  /** 0-based offset just past the last character. */
  readonly end: number;
  /** The source text of the token. */
  readonly text: string;
}

/**
 * An identifier: `prefix.key` (`metrics.acc`, tags.`my key`, params."a b"), or a bare key without a prefix
 * (`name`, `` `run name` ``).
 */
export interface IdentifierToken extends Span {
  readonly kind: 'identifier';
  readonly prefix: string | undefined;
  readonly key: string;
}

export interface StringToken extends Span {
  readonly kind: 'string';
  readonly value: string;
  readonly quote: "'" | '"';
}

export interface NumberToken extends Span {
  readonly kind: 'number';
  readonly value: number;
}

export interface OperatorToken extends Span {
  readonly kind: 'operator';
  readonly op: ComparisonOperator;
}

export interface KeywordToken extends Span {
  readonly kind: 'keyword';
  readonly word: Keyword;
}

export interface PunctuationToken extends Span {
  readonly kind: '(' | ')' | ',';
}

export interface EndToken extends Span {
  readonly kind: 'end';
}

export type SearchToken =
  | IdentifierToken
  | StringToken
  | NumberToken
  | OperatorToken
  | KeywordToken
  | PunctuationToken
  | EndToken;

/** How a token reads in a message. */
export function describeToken(token: SearchToken): string {
  if (token.kind === 'end') return 'the end of the text';
  return token.kind === 'string' ? token.text : `'${token.text}'`;
}
