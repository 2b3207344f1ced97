import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../../domain/errors.js';
import { postgresErrorTranslator } from './postgres-errors.js';
import { parsePostgresUri } from './postgres-uri.js';

/** pg's DatabaseError and Node's socket errors are plain Errors with extra fields; these are shaped like them. */
const pgError = (message: string, fields: Record<string, string>): Error => Object.assign(new Error(message), fields);

const translate = postgresErrorTranslator(parsePostgresUri('postgresql://slipway:hunter2@db.internal:5433/meta'));

function translated(error: unknown): SlipwayError {
  const result = translate(error);
  expect(result).toBeInstanceOf(SlipwayError);
  expect((result as SlipwayError).cause).toBe(error);
  return result as SlipwayError;
}

describe('postgresErrorTranslator', () => {
  it.each([
    ['23505', 'RESOURCE_ALREADY_EXISTS', { table: 'models', detail: 'Key (name, owner)=(wine, ann) already exists.' }],
    ['23503', 'RESOURCE_DOES_NOT_EXIST', { table: 'versions' }],
    ['23502', 'INVALID_PARAMETER_VALUE', { table: 'models', column: 'name' }],
    ['23514', 'INVALID_PARAMETER_VALUE', { constraint: 'size_positive' }],
    ['22001', 'INVALID_PARAMETER_VALUE', {}],
    ['40001', 'ABORTED', {}],
    ['40P01', 'ABORTED', {}],
    ['57014', 'DEADLINE_EXCEEDED', {}],
    ['42501', 'PERMISSION_DENIED', {}],
    ['08006', 'TEMPORARILY_UNAVAILABLE', {}],
    ['57P01', 'TEMPORARILY_UNAVAILABLE', {}],
    ['53300', 'TEMPORARILY_UNAVAILABLE', {}],
    ['28P01', 'TEMPORARILY_UNAVAILABLE', {}],
    ['3D000', 'TEMPORARILY_UNAVAILABLE', {}],
  ])('maps SQLSTATE %s to %s', (code, expected, fields) => {
    expect(translated(pgError('server message', { code, ...fields })).code).toBe(expected);
  });

  it('names the key columns of a unique violation but never its values', () => {
    const error = pgError('duplicate key', {
      code: '23505',
      table: 'models',
      detail: 'Key (name, owner)=(wine, ann) already exists.',
    });
    expect(translated(error).message).toBe('Already exists: another row has the same key (models.name, owner).');
  });

  it.each([
    [Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }), 'cannot connect (ECONNREFUSED)'],
    [pgError('getaddrinfo ENOTFOUND db.internal', { code: 'ENOTFOUND' }), 'cannot connect (ENOTFOUND)'],
    [new Error('Connection terminated unexpectedly'), 'the connection was lost'],
    [new Error('Connection terminated due to connection timeout'), 'the connection was lost'],
  ])('reports %s as unavailable, naming host:port and hiding the password', (error, problem) => {
    const result = translated(error);
    expect(result.code).toBe('TEMPORARILY_UNAVAILABLE');
    expect(result.message).toBe(`PostgreSQL at db.internal:5433 is unavailable: ${problem}.`);
    expect(result.hint).toContain('postgresql://slipway:***@db.internal:5433/meta');
    expect(`${result.message}${result.hint}`).not.toContain('hunter2');
  });

  it('tells what to check when the login or the database is wrong', () => {
    expect(translated(pgError('auth', { code: '28P01' })).hint).toMatch(/^Check the user and password\./);
    expect(translated(pgError('no db', { code: '3D000' })).message).toContain('the database does not exist');
  });

  it('passes programming errors and non-errors through unchanged', () => {
    const syntax = pgError('syntax error at or near "selec"', { code: '42601' });
    expect(translate(syntax)).toBe(syntax);
    expect(translate('a string')).toBe('a string');
    expect(translate(undefined)).toBe(undefined);
  });
});
