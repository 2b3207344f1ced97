import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Document, isNode, LineCounter, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import type { Digest } from '../../domain/digest.js';
import { invalidParameter, notFound, type SlipwayError } from '../../domain/errors.js';
import { atomicWriteFile } from '../../lib/atomic-write-file.js';
import { isSafeRelativePath, SAFE_PATH_RULE } from '../tree/relative-path.js';

export const POINTER_SCHEMA_VERSION = 1;
export const POINTER_SUFFIX = '.slip';
export const MAX_POINTER_FILE_BYTES = 64 * 1024;

const digestField = z.string({ error: 'must be a string' }).regex(/^sha256:[0-9a-f]{64}$/, {
  error: 'must be "sha256:" followed by 64 lowercase hexadecimal characters',
});
const count = z.number({ error: 'must be a number' }).int({ error: 'must be an integer' }).min(0, {
  error: 'must not be negative',
});

/** A pointer file (`<path>.slip`): what a tracked file or directory holds, by digest. Committed to git. */
export const pointerSchema = z.strictObject({
  schema: z.literal(POINTER_SCHEMA_VERSION, {
    error: `must be ${POINTER_SCHEMA_VERSION} (this Slipway reads pointer files of format ${POINTER_SCHEMA_VERSION})`,
  }),
  path: z.string({ error: 'must be a string' }).refine(isSafeRelativePath, { error: SAFE_PATH_RULE }),
  digest: digestField,
  size: count,
  /** Number of files, for a directory (its digest is then a tree object). Absent for a file. */
  files: count.optional(),
  desc: z.string({ error: 'must be a string' }).optional(),
  meta: z.record(z.string(), z.unknown(), { error: 'must be a mapping' }).optional(),
});

export type Pointer = Omit<z.infer<typeof pointerSchema>, 'digest'> & { readonly digest: Digest };

export const isDirectoryPointer = (pointer: Pointer): boolean => pointer.files !== undefined;

/** `data/images` → `data/images.slip`. */
export const pointerPathFor = (dataPath: string): string => `${dataPath}${POINTER_SUFFIX}`;

export const isPointerPath = (path: string): boolean =>
  path.endsWith(POINTER_SUFFIX) && basename(path).length > POINTER_SUFFIX.length;

const pointerError = (lines: readonly string[]): SlipwayError =>
  invalidParameter(
    `Invalid pointer file (${lines.length === 1 ? '1 problem' : `${lines.length} problems`}):\n${lines
      .map((line) => `  - ${line}`)
      .join('\n')}`,
    {
      hint: 'Fix the pointer file, or restore it from git (git checkout -- <file>); docs/data.md describes the format.',
    },
  );

/**
 * Parses the text of a pointer file (YAML core schema, no custom tags or aliases), listing every problem with
 * `file:line: key: message`. `file` is only used in messages (a path, or `rev:path` for a file in git history).
 */
export function parsePointer(text: string, file: string): Pointer {
  if (Buffer.byteLength(text) > MAX_POINTER_FILE_BYTES) {
    throw pointerError([`${file}: larger than ${MAX_POINTER_FILE_BYTES} bytes; a pointer file is a few lines`]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    schema: 'core',
    customTags: [],
    uniqueKeys: true,
    lineCounter: lines,
    strict: true,
  });
  const yamlProblems = [...doc.errors, ...doc.warnings].map(
    (issue) => `${file}:${lines.linePos(issue.pos[0]).line}: invalid YAML: ${issue.message.split('\n')[0]}`,
  );
  if (yamlProblems.length > 0) throw pointerError(yamlProblems);
  const value = toPlain(doc, file);
  const parsed = pointerSchema.safeParse(value);
  if (parsed.success) return parsed.data as Pointer;
  throw pointerError(parsed.error.issues.flatMap((issue) => locate(doc, lines, file, issue)));
}

function toPlain(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 0 });
  } catch {
    throw pointerError([`${file}: YAML aliases are not allowed in pointer files`]);
  }
}

function locate(doc: Document, lines: LineCounter, file: string, issue: z.core.$ZodIssue): string[] {
  const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
  const message = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
  return keys.map((path) => {
    const node = path.length === 0 ? undefined : doc.getIn(path as unknown[], true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    const where = offset === undefined ? file : `${file}:${lines.linePos(offset).line}`;
    const key = path.length === 0 ? '(top level)' : path.map(String).join('.');
    return `${where}: ${key}: ${message}`;
  });
}

/** The YAML text of a pointer, keys in a fixed order. */
export function formatPointer(pointer: Pointer): string {
  const ordered = {
    schema: POINTER_SCHEMA_VERSION,
    path: pointer.path,
    digest: pointer.digest,
    size: pointer.size,
    ...(pointer.files === undefined ? {} : { files: pointer.files }),
    ...(pointer.desc === undefined ? {} : { desc: pointer.desc }),
    ...(pointer.meta === undefined ? {} : { meta: pointer.meta }),
  };
  return stringify(ordered, { lineWidth: 0 });
}

/** Reads and validates a pointer file from disk; RESOURCE_DOES_NOT_EXIST when it is absent. */
export async function readPointerFile(file: string, label = file): Promise<Pointer> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) throw invalidParameterMissing(label);
  if (!info.isFile()) throw pointerError([`${label}: not a regular file`]);
  if (info.size > MAX_POINTER_FILE_BYTES) throw pointerError([`${label}: larger than ${MAX_POINTER_FILE_BYTES} bytes`]);
  return parsePointer(await readFile(file, 'utf8'), label);
}

const invalidParameterMissing = (label: string): SlipwayError =>
  notFound(`The pointer file ${label} does not exist.`, {
    hint: 'Track the data with `slipway add <path>` first; `slipway ls` lists what is tracked.',
  });

/** Writes a pointer file atomically (temp, fsync, rename), unless its content is already exactly this. */
export async function writePointerFile(file: string, pointer: Pointer): Promise<boolean> {
  const text = formatPointer(pointer);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === text) return false;
  await atomicWriteFile(file, text);
  return true;
}
