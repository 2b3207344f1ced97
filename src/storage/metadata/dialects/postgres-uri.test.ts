import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../../domain/errors.js';
import { parsePostgresUri } from './postgres-uri.js';

describe('parsePostgresUri', () => {
  it('passes the URI through untouched when it has no schema option', () => {
    const uri = 'postgresql://slipway:pw@db.example.com:6543/meta?sslmode=require&application_name=x';
    expect(parsePostgresUri(uri)).toEqual({
      connectionString: uri,
      schema: undefined,
      redacted: 'postgresql://slipway:***@db.example.com:6543/meta?sslmode=require&application_name=x',
      address: 'db.example.com:6543',
    });
  });

  it('takes ?schema= out of what pg sees and keeps the other options', () => {
    const target = parsePostgresUri('postgres://u@h/db?schema=team_a&sslmode=disable');
    expect(target.schema).toBe('team_a');
    expect(target.connectionString).toBe('postgres://u@h/db?sslmode=disable');
    expect(target.address).toBe('h:5432');
    expect(target.redacted).toBe('postgres://u@h/db?schema=team_a&sslmode=disable');
  });

  it('redacts passwords given as query options too', () => {
    const target = parsePostgresUri('postgresql:///db?host=/var/run/postgresql&user=u&password=hunter2');
    expect(target.redacted).toBe('postgresql:///db?host=%2Fvar%2Frun%2Fpostgresql&user=u&password=***');
    expect(target.address).toBe('/var/run/postgresql:5432');
  });

  it.each([
    'postgresql://u:p@h/db?schema=Upper',
    'postgresql://u:p@h/db?schema=a-b',
    `postgresql://h/db?schema=${'a'.repeat(64)}`,
  ])('rejects the schema in %s', (uri) => {
    expect(() => parsePostgresUri(uri)).toThrow(/^Invalid PostgreSQL URI: schema ".*" is not a plain name\.$/);
  });

  it('does not echo an unparsable URI, which may hold a password', () => {
    let error: unknown;
    try {
      parsePostgresUri('postgresql://user:pa ss@[bad/db');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).message).toBe('Invalid PostgreSQL URI: it cannot be parsed.');
  });
});
