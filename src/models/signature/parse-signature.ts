import type { z } from 'zod';
import { formatPath, type MlModel, mlmodelError } from '../mlmodel/mlmodel.js';
import {
  type ModelSignature,
  type ParamSpec,
  paramsJsonSchema,
  paramsToJson,
  type Schema,
  schemaJsonSchema,
  schemaToJson,
} from './model-signature.js';

type RawSignature = NonNullable<MlModel['signature']>;

/**
 * The typed signature of an MLmodel, or undefined when it has none (no `signature` or no `inputs`). The JSON
 * strings embedded in the YAML are parsed and checked; every problem names its path (`signature.inputs[2].type`).
 */
export function parseSignature(model: MlModel, where: string): ModelSignature | undefined {
  const raw = model.signature;
  if (raw === null || raw === undefined || raw.inputs === null || raw.inputs === undefined) return undefined;
  const problems: string[] = [];
  const inputs = parseJsonField(raw, 'inputs', schemaJsonSchema, problems);
  const outputs = parseJsonField(raw, 'outputs', schemaJsonSchema, problems);
  const params = parseJsonField(raw, 'params', paramsJsonSchema, problems);
  if (problems.length > 0 || inputs === undefined) throw mlmodelError(where, problems);
  return {
    inputs,
    ...(outputs === undefined ? {} : { outputs }),
    ...(params === undefined ? {} : { params: params as ParamSpec[] }),
  };
}

function parseJsonField<T>(
  raw: RawSignature,
  field: 'inputs' | 'outputs' | 'params',
  schema: z.ZodType<T>,
  problems: string[],
): T | undefined {
  const text = raw[field];
  if (text === null || text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, item: unknown) => (key === '__proto__' ? undefined : item));
  } catch {
    problems.push(`signature.${field}: not valid JSON`);
    return undefined;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    problems.push(`${formatPath(['signature', field, ...issue.path])}: ${issue.message}`);
  }
  return undefined;
}

/** The `signature` section of an MLmodel for a typed signature: JSON strings, `params: null` when none (as MLflow). */
export const signatureToMlmodel = (signature: ModelSignature): RawSignature => ({
  inputs: schemaToJson(signature.inputs),
  outputs: signature.outputs === undefined ? null : schemaToJson(signature.outputs),
  params: signature.params === undefined || signature.params.length === 0 ? null : paramsToJson(signature.params),
});

/** Names of a schema's entries in order (columns or tensors; unnamed ones as undefined). */
export const schemaNames = (schema: Schema): (string | undefined)[] =>
  schema.kind === 'columns' ? schema.columns.map((c) => c.name) : schema.tensors.map((t) => t.name);
