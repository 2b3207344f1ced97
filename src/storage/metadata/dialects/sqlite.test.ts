import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../../domain/errors.js';
import { sqliteLocation } from './sqlite.js';
import { sqliteErrorTranslator } from './sqlite-errors.js';

describe('sqliteLocation', () => {
  it.each([
    ['sqlite:///:memory:', ':memory:'],
    ['sqlite:///var/lib/slipway.db', '/var/lib/slipway.db'],
    ['sqlite:////var/lib/slipway.db', '/var/lib/slipway.db'],
    ['SQLITE:///var/lib/a%20b/x.db', '/var/lib/a b/x.db'],
    ['sqlite:///var/lib/../tmp/./x.db', '/var/tmp/x.db'],
  ])('reads %s as %s', (uri, path) => {
    expect(sqliteLocation(uri)).toBe(path);
  });

  it.each(['sqlite://', 'sqlite://x.db', 'sqlite:x.db', 'sqlite:///x.db?cache=shared', 'sqlite:///bad%zzencoding.db'])(
    'rejects %s',
    (uri) => {
      expect(() => sqliteLocation(uri)).toThrow(SlipwayError);
    },
  );
});

const sqliteError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('sqliteErrorTranslator', () => {
  const translate = sqliteErrorTranslator('/data/slipway.db');

  it.each([
    ['SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: models.name', 'RESOURCE_ALREADY_EXISTS'],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: events.id', 'RESOURCE_ALREADY_EXISTS'],
    ['SQLITE_CONSTRAINT_FOREIGNKEY', 'FOREIGN KEY constraint failed', 'RESOURCE_DOES_NOT_EXIST'],
    ['SQLITE_CONSTRAINT_NOTNULL', 'NOT NULL constraint failed: events.actor', 'INVALID_PARAMETER_VALUE'],
    ['SQLITE_CONSTRAINT_CHECK', 'CHECK constraint failed: size_positive', 'INVALID_PARAMETER_VALUE'],
    ['SQLITE_BUSY', 'database is locked', 'TEMPORARILY_UNAVAILABLE'],
    ['SQLITE_BUSY_SNAPSHOT', 'database is locked', 'TEMPORARILY_UNAVAILABLE'],
    ['SQLITE_READONLY', 'attempt to write a readonly database', 'PERMISSION_DENIED'],
    ['SQLITE_FULL', 'database or disk is full', 'RESOURCE_EXHAUSTED'],
    ['SQLITE_CORRUPT', 'database disk image is malformed', 'DATA_LOSS'],
    ['SQLITE_IOERR_WRITE', 'disk I/O error', 'TEMPORARILY_UNAVAILABLE'],
  ])('maps %s to %s', (code, message, expected) => {
    const cause = sqliteError(code, message);
    const result = translate(cause);
    expect(result).toBeInstanceOf(SlipwayError);
    expect([(result as SlipwayError).code, (result as SlipwayError).cause]).toEqual([expected, cause]);
  });

  it('names the file in operational errors', () => {
    const result = translate(sqliteError('SQLITE_BUSY', 'database is locked')) as SlipwayError;
    expect(result.message).toBe('The SQLite database /data/slipway.db is locked by another process.');
  });

  it('passes other errors through unchanged', () => {
    const syntax = sqliteError('SQLITE_ERROR', 'near "selec": syntax error');
    const plain = new Error('x');
    expect([translate(syntax), translate(plain)]).toEqual([syntax, plain]);
    expect(translate(syntax)).toBe(syntax);
  });
});
