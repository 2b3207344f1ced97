import { SlipwayError } from '../../../domain/errors.js';
import type { TranslateDriverError } from '../sql-dialect.js';
import {
  duplicateKey,
  field,
  invalidValue,
  missingReference,
  missingValue,
  transactionConflict,
} from './driver-errors.js';
import type { PostgresTarget } from './postgres-uri.js';

type Make = (error: unknown, target: PostgresTarget) => SlipwayError;

/** Errors by SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const BY_SQLSTATE: Readonly<Record<string, Make>> = {
  '23505': (error) => duplicateKey(keyTarget(error), error),
  '23503': (error) => missingReference(field(error, 'table'), error),
  '23502': (error) => missingValue(columnTarget(error), error),
  '23514': (error) => invalidValue('a check constraint failed', field(error, 'constraint'), error),
  '22001': (error) => invalidValue('a text is too long', columnTarget(error), error),
  '22003': (error) => invalidValue('a number is out of range', columnTarget(error), error),
  '22P02': (error) => invalidValue('a value has the wrong format', columnTarget(error), error),
  '22021': (error) => invalidValue('a text holds a character PostgreSQL cannot store (NUL)', undefined, error),
  '40001': (error) => transactionConflict(error),
  '40P01': (error) => transactionConflict(error),
  '57014': (error) =>
    new SlipwayError('DEADLINE_EXCEEDED', 'The database query was cancelled (timeout).', { cause: error }),
  '42501': (error) =>
    new SlipwayError('PERMISSION_DENIED', 'The PostgreSQL user lacks a privilege Slipway needs.', {
      cause: error,
      hint: 'Grant the user ownership of (or CREATE and USAGE on) the schema Slipway uses.',
    }),
  '28000': (error, target) => unavailable(target, 'it refused the login', error, 'Check the user and password.'),
  '28P01': (error, target) => unavailable(target, 'it refused the login', error, 'Check the user and password.'),
  '3D000': (error, target) =>
    unavailable(target, 'the database does not exist', error, 'Create it first, e.g. with createdb.'),
};

/** Connection-level SQLSTATEs: class 08, shutdown and overload. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/** pg and pg-pool report lost connections and connect timeouts as plain errors without a code. */
const CONNECTION_MESSAGES = /connection terminated|connection timeout|timeout exceeded when trying to connect/i;

function unavailable(target: PostgresTarget, problem: string, cause: unknown, advice = ''): SlipwayError {
  return new SlipwayError('TEMPORARILY_UNAVAILABLE', `PostgreSQL at ${target.address} is unavailable: ${problem}.`, {
    cause,
    hint: `${advice ? `${advice} ` : ''}Check that PostgreSQL is running and reachable at ${target.redacted}; retry once it is up.`,
  });
}

/** "Key (subject, kind)=(…) already exists." names the columns; the values are left out of messages. */
function keyTarget(error: unknown): string | undefined {
  const columns = /^Key \(([^)]*)\)=/.exec(field(error, 'detail') ?? '')?.[1];
  const table = field(error, 'table');
  return table && columns ? `${table}.${columns}` : (table ?? field(error, 'constraint'));
}

function columnTarget(error: unknown): string | undefined {
  const table = field(error, 'table');
  const column = field(error, 'column');
  return table && column ? `${table}.${column}` : column;
}

function translate(error: unknown, target: PostgresTarget): unknown {
  const code = field(error, 'code') ?? '';
  const make = Object.hasOwn(BY_SQLSTATE, code) ? BY_SQLSTATE[code] : undefined;
  if (make) return make(error, target);
  if (UNAVAILABLE_SQLSTATE.test(code)) return unavailable(target, 'the connection failed', error);
  if (NETWORK_CODES.has(code)) return unavailable(target, `cannot connect (${code})`, error);
  if (CONNECTION_MESSAGES.test(field(error, 'message') ?? ''))
    return unavailable(target, 'the connection was lost', error);
  return error;
}

/** Translates `pg` errors; `target` names the server (password redacted) in connection errors. */
export function postgresErrorTranslator(target: PostgresTarget): TranslateDriverError {
  return (error) => translate(error, target);
}
