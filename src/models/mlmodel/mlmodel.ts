import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Document, isNode, LineCounter, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { invalidParameter, notFound, type SlipwayError } from '../../domain/errors.js';

/** The file name MLflow gives the model descriptor at the root of a model folder. */
export const MLMODEL_FILE = 'MLmodel';

export const MLMODEL_LIMITS = {
  /** Bytes of an MLmodel file; real ones are a few kB, wide signatures a few hundred. */
  maxBytes: 4 * 1024 * 1024,
  /** YAML aliases expanded (PyYAML writes an anchor for an object dumped twice); bounds "billion laughs". */
  maxAliasCount: 64,
} as const;

const flavorConfigSchema = z.record(z.string(), z.unknown(), { error: 'a flavor is a mapping of settings' });

export const inputExampleInfoSchema = z.looseObject({
  artifact_path: z.string().min(1),
  type: z.enum(['dataframe', 'ndarray', 'json_object', 'sparse_matrix_csc', 'sparse_matrix_csr']),
  pandas_orient: z.enum(['split', 'records', 'values']).optional(),
  serving_input_path: z.string().min(1).optional(),
  format: z.string().optional(),
});

export const rawSignatureSchema = z.looseObject({
  inputs: z.string().nullish(),
  outputs: z.string().nullish(),
  params: z.string().nullish(),
});

/**
 * The MLmodel document (MLflow's `Model.to_dict()`), snake_case as in the file. Keys Slipway does not know are
 * kept (loose), so reading and writing back a file MLflow wrote loses nothing.
 */
export const mlmodelSchema = z.looseObject({
  artifact_path: z.string().nullish(),
  run_id: z.string().nullish(),
  model_uuid: z.string().nullish(),
  model_id: z.string().nullish(),
  utc_time_created: z.string().optional(),
  mlflow_version: z.string().nullish(),
  model_size_bytes: z.number().int().nonnegative().nullish(),
  flavors: z.record(z.string().min(1), flavorConfigSchema).refine((flavors) => Object.keys(flavors).length > 0, {
    message: 'names no flavor',
  }),
  signature: rawSignatureSchema.nullish(),
  saved_input_example_info: inputExampleInfoSchema.nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export type MlModel = z.infer<typeof mlmodelSchema>;
export type InputExampleInfo = z.infer<typeof inputExampleInfoSchema>;
export type FlavorConfig = Readonly<Record<string, unknown>>;

const HINT =
  'An MLmodel is the YAML file MLflow writes at the root of a model folder; docs/models.md describes the fields.';

export const mlmodelError = (where: string, problems: readonly string[]): SlipwayError =>
  invalidParameter(`The MLmodel file ${where} is invalid:\n${problems.map((line) => `  - ${line}`).join('\n')}`, {
    hint: HINT,
  });

/**
 * Parses MLmodel YAML: core schema only (no `!!python/…` or other custom tags), unique keys, aliases bounded,
 * then the zod schema. Every problem is reported with its line and key path.
 */
export function parseMlmodel(text: string, where: string): MlModel {
  if (Buffer.byteLength(text) > MLMODEL_LIMITS.maxBytes) {
    throw mlmodelError(where, [`larger than ${MLMODEL_LIMITS.maxBytes} bytes`]);
  }
  const lines = new LineCounter();
  const doc = parseYaml(text, lines, where);
  const problems = [...doc.errors, ...doc.warnings].map(
    (issue) => `line ${lines.linePos(issue.pos[0]).line}: invalid YAML: ${issue.message.split('\n')[0]}`,
  );
  if (problems.length > 0) throw mlmodelError(where, problems);
  const parsed = mlmodelSchema.safeParse(toPlain(doc, where));
  if (parsed.success) return parsed.data;
  throw mlmodelError(
    where,
    parsed.error.issues.map((issue) => locate(doc, lines, issue)),
  );
}

function parseYaml(text: string, lines: LineCounter, where: string): Document {
  try {
    return parseDocument(text, { schema: 'core', customTags: [], uniqueKeys: true, lineCounter: lines, strict: true });
  } catch (error) {
    throw mlmodelError(where, [
      `unreadable YAML (${error instanceof RangeError ? 'nested too deeply' : 'parser error'})`,
    ]);
  }
}

function toPlain(doc: Document, where: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MLMODEL_LIMITS.maxAliasCount });
  } catch {
    throw mlmodelError(where, [`more than ${MLMODEL_LIMITS.maxAliasCount} YAML alias expansions, or too deep`]);
  }
}

function locate(doc: Document, lines: LineCounter, issue: z.core.$ZodIssue): string {
  const node = issue.path.length === 0 ? undefined : doc.getIn(issue.path as unknown[], true);
  const offset = isNode(node) ? node.range?.[0] : undefined;
  const line = offset === undefined ? '' : `line ${lines.linePos(offset).line}: `;
  return `${line}${formatPath(issue.path)}: ${issue.message}`;
}

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.length === 0
    ? '(top level)'
    : path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');

/**
 * The YAML MLflow writes (`yaml.safe_dump(default_flow_style=False)`): keys sorted, block style, lists not
 * indented under their key. Undefined fields are left out; nulls are kept (MLflow writes `code: null`).
 */
export function serializeMlmodel(model: MlModel): string {
  return stringify(model, { sortMapEntries: true, indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false });
}

/** Reads `<folder>/MLmodel`: RESOURCE_DOES_NOT_EXIST when absent, INVALID_PARAMETER_VALUE when invalid or too big. */
export async function readMlmodel(folder: string, label = folder): Promise<MlModel> {
  const file = join(folder, MLMODEL_FILE);
  const info = await stat(file).catch(() => undefined);
  const where = `${label}/${MLMODEL_FILE}`;
  if (info === undefined) {
    throw notFound(`${label} is not a model folder: it has no ${MLMODEL_FILE} file.`, {
      hint: 'Point at the folder MLflow (mlflow.<flavor>.save_model) or Slipway (saveModel) wrote.',
    });
  }
  if (!info.isFile()) throw mlmodelError(where, ['not a regular file']);
  if (info.size > MLMODEL_LIMITS.maxBytes) throw mlmodelError(where, [`larger than ${MLMODEL_LIMITS.maxBytes} bytes`]);
  return parseMlmodel(await readFile(file, 'utf8'), where);
}
