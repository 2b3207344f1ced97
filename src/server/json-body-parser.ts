import type { FastifyInstance } from 'fastify';
import { SlipwayError } from '../domain/errors.js';

/** MLflow messages nest a handful of levels; 64 leaves room and stops `[[[[…` bombs before JSON.parse. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/** The index of the quote closing the string that opens at `start`. */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return text.length;
}

/** One linear pass over the text: whether arrays/objects nest deeper than `max` (strings are skipped). */
export function exceedsJsonDepth(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = skipString(text, i);
    else if (OPENERS.has(c) && ++depth > max) return true;
    else if (CLOSERS.has(c)) depth--;
  }
  return false;
}

/**
 * Replaces Fastify's body parsers with one: JSON, depth-checked, then parsed by Fastify's secure-json-parse
 * with `__proto__` and `constructor.prototype` keys rejected. The text/plain parser is removed, so a
 * browser's "simple" text/plain POST never reaches a route. The size limit (bodyLimit) applies while reading.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (exceedsJsonDepth(body as string, MAX_JSON_DEPTH)) {
      done(
        new SlipwayError('MALFORMED_REQUEST', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`),
        undefined,
      );
      return;
    }
    parseJson(request, body as string, done);
  });
}
