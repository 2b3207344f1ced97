import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { TreeEntry } from '../data/tree/tree.js';
import { invalidParameter } from '../domain/errors.js';
import type { ModelSignature, SignatureField } from '../domain/model-signature.js';
import type { ObjectStore } from '../storage/objects/types.js';
import { REGISTRY_LIMITS } from './limits.js';
import { readObject } from './pinned-tree.js';

/** The file of an MLflow model that holds its signature, at the model's root. */
export const MLMODEL_FILE = 'MLmodel';

const MAX_SPEC_TEXT = 1_000_000;
const mlmodelSchema = z.looseObject({
  signature: z
    .looseObject({ inputs: z.string().max(MAX_SPEC_TEXT).nullish(), outputs: z.string().max(MAX_SPEC_TEXT).nullish() })
    .nullish(),
});
const specSchema = z
  .array(z.looseObject({ name: z.string().max(1000).nullish(), required: z.boolean().optional() }))
  .max(10_000);

const invalid = (why: string) =>
  invalidParameter(`The MLmodel file of the source is invalid: ${why}.`, {
    hint: 'Log the model again with mlflow (mlflow.<flavor>.log_model), or fix its MLmodel file.',
  });

/** JSON with object keys sorted, so equal specs compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
}

/** A column or tensor spec: its type is everything but its name and whether it is required. */
function fieldOf(spec: Record<string, unknown>): SignatureField {
  const { name, required, ...type } = spec;
  return { name: typeof name === 'string' ? name : null, type: canonical(type), required: required !== false };
}

function parseSpec(text: string | null | undefined, what: string): SignatureField[] {
  if (text === null || text === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(`signature.${what} is not JSON`);
  }
  const specs = specSchema.safeParse(json);
  if (!specs.success) throw invalid(`signature.${what} is not a list of column or tensor specs`);
  return specs.data.map((spec) => fieldOf(spec as Record<string, unknown>));
}

/** The signature of an MLmodel file's text, or null when it has none. */
export function parseModelSignature(text: string): ModelSignature | null {
  let yaml: unknown;
  try {
    yaml = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false });
  } catch {
    throw invalid('it is not YAML');
  }
  const parsed = mlmodelSchema.safeParse(yaml);
  if (!parsed.success) throw invalid('it is not a YAML mapping with a signature mapping');
  const signature = parsed.data.signature;
  if (signature === null || signature === undefined) return null;
  return { inputs: parseSpec(signature.inputs, 'inputs'), outputs: parseSpec(signature.outputs, 'outputs') };
}

/** Reads the signature from the tree's MLmodel file; null when there is no MLmodel or it has no signature. */
export async function readModelSignature(objects: ObjectStore, entries: readonly TreeEntry[]) {
  const mlmodel = entries.find((entry) => entry.path === MLMODEL_FILE);
  if (mlmodel === undefined) return null;
  if (mlmodel.size > REGISTRY_LIMITS.mlmodelBytes) {
    throw invalid(`it is ${mlmodel.size} bytes; at most ${REGISTRY_LIMITS.mlmodelBytes} are read`);
  }
  return parseModelSignature((await readObject(objects, mlmodel.digest, 'MLmodel')).toString('utf8'));
}
