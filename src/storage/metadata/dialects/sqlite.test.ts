import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../../domain/errors.js';
import { cachingStatements, sqliteLocation } from './sqlite.js';
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

describe('cachingStatements', () => {
  const open = () => {
    const database = new BetterSqlite3(':memory:');
    database.exec('create table t (id integer primary key, v text)');
    return database;
  };

  it('prepares a SQL text once and hands the same statement out again', () => {
    const database = open();
    const cached = cachingStatements(database);
    const insert = cached.prepare('insert into t (v) values (?)');
    insert.run(['a']);
    expect(cached.prepare('insert into t (v) values (?)')).toBe(insert);
    cached.prepare('insert into t (v) values (?)').run(['b']);
    expect(cached.prepare('select v from t order by id').all([])).toEqual([{ v: 'a' }, { v: 'b' }]);
    cached.close();
    expect(database.open).toBe(false);
  });

  it('keeps at most `size` statements, dropping the least recently used', () => {
    const cached = cachingStatements(open(), 2);
    const one = cached.prepare('select 1');
    const two = cached.prepare('select 2');
    expect(cached.prepare('select 1')).toBe(one);
    cached.prepare('select 3');
    expect(cached.prepare('select 1')).toBe(one);
    expect(cached.prepare('select 2')).not.toBe(two);
  });

  it('prepares a fresh statement while the cached one is still being iterated', () => {
    const database = open();
    database.exec("insert into t (v) values ('a'), ('b')");
    const cached = cachingStatements(database);
    const sql = 'select v from t order by id';
    const seen: unknown[] = [];
    for (const row of cached.prepare(sql).iterate([])) seen.push(row, cached.prepare(sql).all([]));
    expect(seen).toEqual([{ v: 'a' }, [{ v: 'a' }, { v: 'b' }], { v: 'b' }, [{ v: 'a' }, { v: 'b' }]]);
  });

  it('runs cached statements again after the schema changed under them', () => {
    const database = open();
    const cached = cachingStatements(database);
    const sql = 'select * from t';
    expect(cached.prepare(sql).all([])).toEqual([]);
    database.exec("alter table t add column w text default 'x'; insert into t (v) values ('a')");
    expect(cached.prepare(sql).all([])).toEqual([{ id: 1, v: 'a', w: 'x' }]);
  });
});
