/**
 * A model signature reduced to what compatibility depends on: each input and output column or tensor with its
 * name (null when unnamed, matched by position), its type (`double`, `string`, `tensor:float32:[-1,4]`, …) and
 * whether it is required.
 */
export interface SignatureField {
  readonly name: string | null;
  readonly type: string;
  readonly required: boolean;
}

export interface ModelSignature {
  readonly inputs: readonly SignatureField[];
  readonly outputs: readonly SignatureField[];
}

const keyOf = (field: SignatureField, index: number): string =>
  field.name === null ? `#${index}` : `name:${field.name}`;

const byKey = (fields: readonly SignatureField[]) => new Map(fields.map((field, i) => [keyOf(field, i), field]));

const sameField = (a: SignatureField, b: SignatureField): boolean =>
  a.name === b.name && a.type === b.type && a.required === b.required;

/**
 * Whether callers of a model with `before`'s signature can call one with `after`'s: every input they sent still
 * exists with the same type, no new required input appeared, and the outputs are exactly the same. Gaining a
 * signature is compatible; losing one is not.
 */
export function isCompatibleSignature(before: ModelSignature | null, after: ModelSignature | null): boolean {
  if (before === null) return true;
  if (after === null) return false;
  return inputsCompatible(before.inputs, after.inputs) && outputsEqual(before.outputs, after.outputs);
}

function inputsCompatible(before: readonly SignatureField[], after: readonly SignatureField[]): boolean {
  const old = byKey(before);
  const next = byKey(after);
  for (const [key, field] of old) {
    const kept = next.get(key);
    if (kept === undefined || kept.type !== field.type) return false;
    if (kept.required && !field.required) return false;
  }
  for (const [key, field] of next) if (!old.has(key) && field.required) return false;
  return true;
}

const outputsEqual = (before: readonly SignatureField[], after: readonly SignatureField[]): boolean =>
  before.length === after.length && before.every((field, i) => sameField(field, after[i] as SignatureField));
