import { invalidParameter, type SlipwayError } from '../errors.js';

const SHOWN = 200;

/** What kind of text failed: a `filter` or an `order_by` item. */
export type SearchTextKind = 'filter' | 'order_by clause';

const HINTS: Record<SearchTextKind, string> = {
  filter:
    "Write comparisons joined by AND, e.g. metrics.acc > 0.9 and params.model = 'rf'; quote string values, " +
    'and wrap keys with spaces or symbols in backticks (tags.`my key`). See docs/search.md.',
  'order_by clause':
    'Write <entity>.<key> followed by an optional ASC or DESC, e.g. metrics.acc DESC or attributes.start_time. ' +
    'See docs/search.md.',
};

/** The text as shown in messages: long texts are cut. */
export function shownText(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

/**
 * INVALID_PARAMETER_VALUE naming the text, what went wrong and where: `position` is a 0-based offset, reported
 * 1-based ("Invalid filter 'metrics.acc >': expected a value after '>' at position 14").
 */
export function searchSyntaxError(
  kind: SearchTextKind,
  text: string,
  what: string,
  position: number | undefined,
): SlipwayError {
  const where = position === undefined ? '' : ` at position ${position + 1}`;
  return invalidParameter(`Invalid ${kind} '${shownText(text)}': ${what}${where}`, { hint: HINTS[kind] });
}
