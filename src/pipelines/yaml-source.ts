import { type Document, isMap, isNode, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import { invalidParameter, type SlipwayError } from '../domain/errors.js';

/** A place in a YAML file: 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** One problem of a file: where, what is wrong, and what to do about it. */
export interface Problem {
  readonly at: Position | undefined;
  readonly what: string;
  readonly todo: string;
}

/** A parsed YAML file that still knows where each value was written. */
export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** The position of the value at `path` (or of its key, for `key: true`); the nearest ancestor when absent. */
  at(path: readonly (string | number)[], options?: { key?: boolean }): Position | undefined;
}

/** Bounds every YAML file Slipway reads for pipelines (slipway.yaml, slipway.lock, params, metrics). */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;

/** `slipway.yaml:3:5: what — what to do`. */
export const formatProblem = (file: string, problem: Problem): string =>
  `${file}${problem.at === undefined ? '' : `:${problem.at.line}:${problem.at.col}`}: ${problem.what} — ${problem.todo}`;

/** One error listing every problem, one per line. */
export function problemsError(file: string, problems: readonly Problem[], hint: string): SlipwayError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `  ${formatProblem(file, problem)}`);
  return invalidParameter(`${file} is not valid (${count}):\n${lines.join('\n')}`, { hint });
}

/**
 * Parses YAML text (core schema, unique keys, no aliases) keeping source positions. YAML syntax errors come back
 * as problems (all of them), with `value` undefined.
 */
export function parseYamlSource(text: string, file: string): { source: YamlSource; problems: Problem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: 'core', customTags: [], uniqueKeys: true, lineCounter: lines });
  const problems: Problem[] = [...doc.errors, ...doc.warnings].map((issue) => ({
    at: lines.linePos(issue.pos[0]),
    what: `invalid YAML: ${issue.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    todo: 'fix the YAML syntax (indentation, quotes, colons)',
  }));
  let value: unknown;
  if (problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 0 });
    } catch {
      problems.push({ at: undefined, what: 'YAML aliases are not allowed', todo: 'write the values out in full' });
    }
  }
  const at = (path: readonly (string | number)[], options: { key?: boolean } = {}) =>
    positionOf(doc, lines, path, options.key === true);
  return { source: { file, value, at }, problems };
}

function positionOf(doc: Document, lines: LineCounter, path: readonly (string | number)[], key: boolean) {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const prefix = path.slice(0, depth);
    const node = depth === 0 ? doc.contents : doc.getIn(prefix, true);
    if (key && depth === path.length && depth > 0) {
      const keyNode = keyNodeOf(doc, prefix);
      if (keyNode !== undefined) return lines.linePos(keyNode);
    }
    if (isNode(node) && node.range !== undefined && node.range !== null) return lines.linePos(node.range[0]);
  }
  return undefined;
}

/** The offset of the key of `path` in its mapping (for unknown keys, and to point at a stage by name). */
function keyNodeOf(doc: Document, path: readonly (string | number)[]): number | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const name = path.at(-1);
  const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === name);
  const keyNode = pair?.key;
  return isScalar(keyNode) && keyNode.range ? keyNode.range[0] : undefined;
}
