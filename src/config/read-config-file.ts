import { open } from 'node:fs/promises';
import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { invalidParameter } from '../domain/errors.js';
import { type ConfigProblem, configError, formatKeyPath, problemsOf } from './config-problems.js';
import { type ConfigLayer, configFileSchema } from './config-schema.js';

/** Config files are small; anything bigger is a mistake or an attack (alias bombs, huge scalars). */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024;
const MAX_ALIAS_COUNT = 20;

export interface ReadConfigFileOptions {
  /** Key paths this file may not set, with the reason shown to the user. */
  readonly forbidden?: ReadonlyArray<{ readonly path: readonly string[]; readonly reason: string }>;
}

/**
 * Reads one YAML config file (core schema, no custom tags, bounded size, `schema: 1`). Returns undefined when
 * the file does not exist, `{}` when it is empty, and throws INVALID_PARAMETER_VALUE listing every problem
 * with file, line and key path otherwise.
 */
export async function readConfigFile(
  file: string,
  options: ReadConfigFileOptions = {},
): Promise<ConfigLayer | undefined> {
  const text = await readBounded(file);
  if (text === undefined) return undefined;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { schema: 'core', customTags: [], uniqueKeys: true, lineCounter, strict: true });
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => yamlProblem(file, lineCounter, e));
  if (yamlProblems.length > 0) throw configError(yamlProblems);
  const value = toPlain(file, doc);
  if (value === null || value === undefined) return {};
  return validate({ file, doc, lines: lineCounter }, value, options);
}

/** A parsed file, for locating problems. */
interface Source {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

function toPlain(file: string, doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    throw configError([`${file}: invalid YAML: too many aliases (at most ${MAX_ALIAS_COUNT} are expanded)`]);
  }
}

function validate(source: Source, value: unknown, options: ReadConfigFileOptions): ConfigLayer {
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw configError([`${source.file}: the file must be a YAML mapping that starts with \`schema: 1\``]);
  }
  const parsed = configFileSchema.safeParse(value);
  const problems = [...(parsed.success ? [] : problemsOf(parsed.error)), ...forbiddenProblems(source.doc, options)];
  if (problems.length > 0 || !parsed.success) throw configError(problems.map((p) => locate(source, p)));
  const { schema: _version, ...layer } = parsed.data;
  return layer;
}

function forbiddenProblems(doc: Document, options: ReadConfigFileOptions): ConfigProblem[] {
  return (options.forbidden ?? []).flatMap(({ path, reason }) =>
    expandPath(doc, path)
      .filter((concrete) => doc.hasIn(concrete))
      .map((concrete) => ({ path: concrete, message: reason })),
  );
}

/** Expands each `*` segment of a key path into the keys the document has at that point. */
function expandPath(doc: Document, path: readonly string[]): string[][] {
  const star = path.indexOf('*');
  if (star === -1) return [[...path]];
  const node = star === 0 ? doc.contents : doc.getIn(path.slice(0, star), true);
  const keys = isMap(node) ? node.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key)) : [];
  return keys.flatMap((key) => expandPath(doc, [...path.slice(0, star), key, ...path.slice(star + 1)]));
}

function locate({ file, doc, lines }: Source, problem: ConfigProblem): string {
  const node = doc.getIn(problem.path as unknown[], true);
  const offset = isNode(node) ? node.range?.[0] : undefined;
  const where = offset === undefined ? file : `${file}:${lines.linePos(offset).line}`;
  return `${where}: ${formatKeyPath(problem.path)}: ${problem.message}`;
}

interface YamlIssue {
  readonly message: string;
  readonly pos: readonly [number, number];
}

function yamlProblem(file: string, lines: LineCounter, issue: YamlIssue): string {
  const firstLine = issue.message.split('\n')[0] ?? issue.message;
  return `${file}:${lines.linePos(issue.pos[0]).line}: invalid YAML: ${firstLine}`;
}

async function readBounded(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw invalidParameter(`Cannot read the config file ${file}: ${errorCode(error) ?? 'unknown error'}.`, {
      hint: 'Check that the file is readable by this user.',
      cause: error,
    });
  });
  if (handle === undefined) return undefined;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw invalidParameter(`The config file ${file} is not a regular file.`);
    if (stat.size > MAX_CONFIG_FILE_BYTES) throw tooBig(file, stat.size);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

const tooBig = (file: string, size: number) =>
  invalidParameter(`The config file ${file} is ${size} bytes; config files may be at most ${MAX_CONFIG_FILE_BYTES}.`, {
    hint: 'A config file holds a few settings; check that this is the right file.',
  });

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
