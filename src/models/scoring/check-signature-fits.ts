import { invalidParameter } from '../../domain/errors.js';
import type { ColumnType, ModelSignature } from '../signature/model-signature.js';
import type { TensorInfo } from '../tensor/tensor.js';

const TEXT_TYPES: ReadonlySet<ColumnType> = new Set(['string', 'binary', 'datetime']);

/**
 * Checks at load time that requests valid for the signature can be fed to the model's inputs, so a mismatch is
 * an error when the model is loaded rather than on every request.
 * - Column signature, one model input: a [rows, columns] matrix of a type every column converts to.
 * - Column signature, several inputs: one column per input, by name.
 * - Tensor signature: the tensors name the inputs (a single unnamed tensor feeds a single input).
 */
export function checkSignatureFits(signature: ModelSignature, inputs: readonly TensorInfo[], where: string): void {
  const problem =
    signature.inputs.kind === 'columns'
      ? columnsProblem(signature.inputs.columns, inputs)
      : tensorsProblem(
          signature.inputs.tensors.map((t) => t.name),
          inputs,
        );
  if (problem === undefined) return;
  throw invalidParameter(`The signature in ${where} does not fit the model: ${problem}.`, {
    hint: 'Save the model with a signature that describes its inputs (docs/models.md, "Signatures").',
  });
}

function columnsProblem(columns: readonly { name?: string; type: ColumnType }[], inputs: readonly TensorInfo[]) {
  const [only] = inputs;
  if (inputs.length === 1 && only !== undefined) return matrixProblem(columns, only);
  const names = new Set(columns.map((c) => c.name));
  const missing = inputs.filter((input) => !names.has(input.name)).map((input) => input.name);
  return missing.length === 0 ? undefined : `the model inputs ${missing.join(', ')} are not columns of the signature`;
}

function matrixProblem(columns: readonly { type: ColumnType }[], input: TensorInfo) {
  const text = columns.some((c) => TEXT_TYPES.has(c.type));
  if (text !== (input.dtype === 'string')) {
    return `input '${input.name}' is ${input.dtype} but the columns are ${text ? 'text' : 'numbers'}`;
  }
  const shape = input.shape;
  if (shape === undefined) return undefined;
  if (shape.length === 1) return columns.length === 1 ? undefined : `input '${input.name}' is one column wide`;
  if (shape.length !== 2) return `input '${input.name}' has rank ${shape.length}, not a [rows, columns] matrix`;
  const width = shape[1];
  return width === null || width === undefined || width === columns.length
    ? undefined
    : `input '${input.name}' takes ${width} columns but the signature has ${columns.length}`;
}

function tensorsProblem(names: readonly (string | undefined)[], inputs: readonly TensorInfo[]) {
  if (names.length === 1 && inputs.length === 1 && names[0] === undefined) return undefined;
  if (names.length === 1 && inputs.length === 1) return undefined;
  const known = new Set(names);
  const missing = inputs.filter((input) => !known.has(input.name)).map((input) => input.name);
  return missing.length === 0 ? undefined : `the model inputs ${missing.join(', ')} are not tensors of the signature`;
}
