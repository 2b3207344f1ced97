import { SlipwayError } from '../../../domain/errors.js';

/**
 * The SlipwayErrors a translated driver error becomes, shared by the dialects so that SQLite and PostgreSQL
 * report the same code and the same kind of message for the same violation. `where` names the table and
 * columns (`events.id`) when the driver tells us; messages never carry SQL text or values.
 *
 * A foreign-key violation is RESOURCE_DOES_NOT_EXIST: the row being written refers to a parent that is not
 * there. (SQLite cannot tell that apart from deleting a parent that still has children; the schema avoids the
 * latter with ON DELETE CASCADE or by deleting children first.)
 */
const at = (where: string | undefined): string => (where ? ` (${where})` : '');

export const duplicateKey = (where: string | undefined, cause: unknown): SlipwayError =>
  new SlipwayError('RESOURCE_ALREADY_EXISTS', `Already exists: another row has the same key${at(where)}.`, {
    cause,
    hint: 'Use a different name or id, or update the existing resource instead.',
  });

export const missingReference = (where: string | undefined, cause: unknown): SlipwayError =>
  new SlipwayError('RESOURCE_DOES_NOT_EXIST', `Does not exist: a resource this refers to was not found${at(where)}.`, {
    cause,
    hint: 'Create the referenced resource first, or check its name or id.',
  });

export const missingValue = (where: string | undefined, cause: unknown): SlipwayError =>
  new SlipwayError('INVALID_PARAMETER_VALUE', `Missing value: a required field is empty${at(where)}.`, { cause });

export const invalidValue = (problem: string, where: string | undefined, cause: unknown): SlipwayError =>
  new SlipwayError('INVALID_PARAMETER_VALUE', `Invalid value: ${problem}${at(where)}.`, { cause });

export const transactionConflict = (cause: unknown): SlipwayError =>
  new SlipwayError('ABORTED', 'The operation conflicted with a concurrent change and was rolled back.', {
    cause,
    hint: 'Retry the operation.',
  });

/** Reads a string property of an unknown thrown value (driver errors are plain objects with extra fields). */
export function field(error: unknown, name: string): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value: unknown = Reflect.get(error, name);
  return typeof value === 'string' ? value : undefined;
}
