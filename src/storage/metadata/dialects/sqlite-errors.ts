import { SlipwayError } from '../../../domain/errors.js';
import type { TranslateDriverError } from '../sql-dialect.js';
import { duplicateKey, field, invalidValue, missingReference, missingValue } from './driver-errors.js';

type Make = (where: string | undefined, cause: unknown) => SlipwayError;

/** Constraint violations, by better-sqlite3's extended result code. */
const CONSTRAINTS: Readonly<Record<string, Make>> = {
  SQLITE_CONSTRAINT_UNIQUE: duplicateKey,
  SQLITE_CONSTRAINT_PRIMARYKEY: duplicateKey,
  SQLITE_CONSTRAINT_ROWID: duplicateKey,
  SQLITE_CONSTRAINT_FOREIGNKEY: (_where, cause) => missingReference(undefined, cause),
  SQLITE_CONSTRAINT_NOTNULL: missingValue,
  SQLITE_CONSTRAINT_CHECK: (where, cause) => invalidValue('a check constraint failed', where, cause),
  SQLITE_TOOBIG: (_where, cause) => invalidValue('the value is too large', undefined, cause),
};

type MakeOperational = (location: string, cause: unknown) => SlipwayError;

/** Operational failures, by primary result code (the extended codes share its prefix). */
const OPERATIONAL: ReadonlyArray<readonly [string, MakeOperational]> = [
  [
    'SQLITE_BUSY',
    (location, cause) =>
      new SlipwayError('TEMPORARILY_UNAVAILABLE', `The SQLite database ${location} is locked by another process.`, {
        cause,
        hint: 'Retry. If it persists, another process holds a long write transaction on that file.',
      }),
  ],
  ['SQLITE_LOCKED', (location, cause) => locked(location, cause)],
  [
    'SQLITE_READONLY',
    (location, cause) =>
      new SlipwayError('PERMISSION_DENIED', `The SQLite database ${location} is read-only.`, {
        cause,
        hint: 'Make the file and its directory writable by this user.',
      }),
  ],
  [
    'SQLITE_FULL',
    (location, cause) =>
      new SlipwayError('RESOURCE_EXHAUSTED', `The disk holding the SQLite database ${location} is full.`, { cause }),
  ],
  ['SQLITE_CORRUPT', (location, cause) => damaged(location, cause)],
  ['SQLITE_NOTADB', (location, cause) => damaged(location, cause)],
  ['SQLITE_IOERR', (location, cause) => unreadable(location, cause)],
  ['SQLITE_CANTOPEN', (location, cause) => unreadable(location, cause)],
];

const locked = (location: string, cause: unknown): SlipwayError =>
  new SlipwayError('TEMPORARILY_UNAVAILABLE', `A table of the SQLite database ${location} is locked.`, {
    cause,
    hint: 'Retry the operation.',
  });

const damaged = (location: string, cause: unknown): SlipwayError =>
  new SlipwayError('DATA_LOSS', `The SQLite database ${location} is damaged or is not a SQLite database.`, {
    cause,
    hint: 'Restore it from a backup, or point the metadata URI at another file.',
  });

const unreadable = (location: string, cause: unknown): SlipwayError =>
  new SlipwayError('TEMPORARILY_UNAVAILABLE', `Cannot read or write the SQLite database ${location}.`, {
    cause,
    hint: 'Check that the file and its directory exist, are writable and that the disk is healthy.',
  });

/** better-sqlite3 messages read "UNIQUE constraint failed: events.id"; the part after the colon names columns. */
function constraintTarget(error: unknown): string | undefined {
  const message = field(error, 'message') ?? '';
  const colon = message.indexOf(': ');
  return colon === -1 ? undefined : message.slice(colon + 2);
}

/** Translates better-sqlite3 errors; `location` names the database file (or `:memory:`) in messages. */
export function sqliteErrorTranslator(location: string): TranslateDriverError {
  return (error) => {
    const code = field(error, 'code');
    if (code === undefined || !code.startsWith('SQLITE_')) return error;
    const constraint = CONSTRAINTS[code];
    if (constraint) return constraint(constraintTarget(error), error);
    const operational = OPERATIONAL.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
    return operational ? operational[1](location, error) : error;
  };
}
