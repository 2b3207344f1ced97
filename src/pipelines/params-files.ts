import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, parse, parseDocument } from 'yaml';
import { invalidParameter, notFound } from '../domain/errors.js';
import type { ParamsRef } from './types.js';
import { MAX_YAML_BYTES, parseYamlSource, problemsError } from './yaml-source.js';

/** Dotted key → value (a scalar, or a list). */
export type ParamValues = Record<string, unknown>;

const isJson = (file: string) => file.toLowerCase().endsWith('.json');

/** Parses a params or metrics file (JSON by its `.json` suffix, YAML otherwise); `label` names it in errors. */
export function parseDataFile(text: string, label: string): unknown {
  if (isJson(label)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw invalidParameter(`${label} is not valid JSON: ${(error as Error).message}.`, { hint: `Fix ${label}.` });
    }
  }
  const { source, problems } = parseYamlSource(text, label);
  if (problems.length > 0) throw problemsError(label, problems, `Fix ${label}.`);
  return source.value;
}

/** Reads and parses a workspace file; undefined when it does not exist. */
export async function readDataFile(root: string, rel: string): Promise<unknown> {
  const abs = join(root, ...rel.split('/'));
  const info = await stat(abs).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isFile() || info.size > MAX_YAML_BYTES) {
    throw invalidParameter(`${rel} is not a file of at most ${MAX_YAML_BYTES} bytes.`, {
      hint: 'Params and metrics files are small JSON or YAML files.',
    });
  }
  return parseDataFile(await readFile(abs, 'utf8'), rel);
}

/** Nested mappings as dotted keys; lists and scalars are values. */
export function flatten(value: unknown, prefix = ''): ParamValues {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return prefix === '' ? {} : { [prefix]: value };
  const out: ParamValues = {};
  for (const [key, inner] of Object.entries(value))
    Object.assign(out, flatten(inner, prefix === '' ? key : `${prefix}.${key}`));
  return out;
}

/** The value at a dotted key (`train.lr`), and whether it is there. */
export function valueAt(doc: unknown, key: string): { found: boolean; value?: unknown } {
  let current = doc;
  for (const part of key.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, part)) {
      return { found: false };
    }
    current = (current as Record<string, unknown>)[part];
  }
  return { found: true, value: current };
}

/** The values a stage's params refer to, by file; a missing file or key is an error naming both. */
export async function readStageParams(root: string, stage: string, refs: readonly ParamsRef[]) {
  const out: Record<string, ParamValues> = {};
  for (const ref of refs) {
    const doc = await readDataFile(root, ref.file);
    if (doc === undefined) {
      throw notFound(`Stage ${stage} reads params from ${ref.file}, which does not exist.`, {
        hint: `Create ${ref.file}, or change the params of stage ${stage} in slipway.yaml.`,
      });
    }
    out[ref.file] = { ...out[ref.file], ...pick(doc, ref, stage) };
  }
  return out;
}

function pick(doc: unknown, ref: ParamsRef, stage: string): ParamValues {
  if (ref.keys === 'all') return flatten(doc);
  const values: ParamValues = {};
  for (const key of ref.keys) {
    const { found, value } = valueAt(doc, key);
    if (!found) {
      throw invalidParameter(`Stage ${stage} reads the param ${key} from ${ref.file}, which has no such key.`, {
        hint: `Add ${key} to ${ref.file}, or fix the key in the params of stage ${stage} in slipway.yaml.`,
      });
    }
    values[key] = value;
  }
  return values;
}

/** `-S train.lr=0.1` or `-S config.yaml:train.lr=0.1`: the file (default params.yaml), dotted key and value. */
export interface ParamOverride {
  readonly file: string;
  readonly key: string;
  readonly value: unknown;
}

export function parseOverride(text: string, defaultFile: string): ParamOverride {
  const match = /^(?:([^:=]+):)?([^=:]+)=(.*)$/s.exec(text);
  if (match === null || (match[2] as string).split('.').some((part) => part === '')) {
    throw invalidParameter(`'${text}' is not a param override.`, {
      hint: 'Write -S train.lr=0.1, or -S config.yaml:train.lr=0.1 for another params file.',
    });
  }
  const raw = match[3] as string;
  let value: unknown = raw;
  try {
    value = raw === '' ? '' : parse(raw, { schema: 'core' });
  } catch {}
  return { file: match[1] ?? defaultFile, key: match[2] as string, value };
}

/** The text of a params file with overrides applied; YAML keeps its comments. Each key must exist. */
export function applyOverrides(text: string, file: string, overrides: readonly ParamOverride[]): string {
  const missing = (key: string) =>
    invalidParameter(`${file} has no param ${key} to override.`, {
      hint: `Check the spelling; \`slipway params diff --all\` lists the params of ${file}.`,
    });
  if (isJson(file)) {
    const doc = parseDataFile(text, file) as Record<string, unknown>;
    for (const { key, value } of overrides) {
      if (!valueAt(doc, key).found) throw missing(key);
      const parts = key.split('.');
      const parent = parts.length === 1 ? doc : valueAt(doc, parts.slice(0, -1).join('.')).value;
      (parent as Record<string, unknown>)[parts.at(-1) as string] = value;
    }
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
  const doc = parseDocument(text, { schema: 'core' });
  if (!isMap(doc.contents)) throw missing(overrides[0]?.key ?? '');
  for (const { key, value } of overrides) {
    const path = key.split('.');
    if (!doc.hasIn(path)) throw missing(key);
    doc.setIn(path, value);
  }
  return doc.toString();
}
