import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../domain/errors.js';
import { forEachDialect } from './testing/for-each-dialect.js';
import { withErrorTranslation } from './translate-driver-errors.js';

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SlipwayError);
  return error as SlipwayError;
}

forEachDialect('driver error translation', ({ open }) => {
  const event = { time: 1, actor: 'a', kind: 'k', subject: 's', payload: '{}' };

  it('turns a duplicate primary key into RESOURCE_ALREADY_EXISTS, keeping the driver error as cause', async () => {
    const { db } = await open();
    await db
      .insertInto('events')
      .values({ ...event, id: 7 })
      .execute();
    const error = await failure(
      db
        .insertInto('events')
        .values({ ...event, id: 7, subject: 'other' })
        .execute(),
    );
    expect(error.code).toBe('RESOURCE_ALREADY_EXISTS');
    expect(error.message).toBe('Already exists: another row has the same key (events.id).');
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).not.toBeInstanceOf(SlipwayError);
    expect(await db.selectFrom('events').select(['id', 'subject']).execute()).toEqual([{ id: 7, subject: 's' }]);
  });

  it('turns a unique violation on a secondary key into RESOURCE_ALREADY_EXISTS without leaking values', async () => {
    const { db } = await open();
    await sql`create table t_names (id integer primary key, name text not null unique)`.execute(db);
    await sql`insert into t_names (id, name) values (1, 'secret-name')`.execute(db);
    const error = await failure(sql`insert into t_names (id, name) values (2, 'secret-name')`.execute(db));
    expect(error.code).toBe('RESOURCE_ALREADY_EXISTS');
    expect(error.message).toBe('Already exists: another row has the same key (t_names.name).');
    expect(error.message).not.toMatch(/secret-name|insert/i);
  });

  it('turns a NULL in a NOT NULL column into INVALID_PARAMETER_VALUE naming the column', async () => {
    const { db } = await open();
    const insert = sql`insert into events (time, actor, kind, subject, payload) values (1, null, 'k', 's', '{}')`;
    const error = await failure(insert.execute(db));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toBe('Missing value: a required field is empty (events.actor).');
    expect(await db.selectFrom('events').selectAll().execute()).toEqual([]);
  });

  it('turns a missing foreign-key parent into RESOURCE_DOES_NOT_EXIST', async () => {
    const { db } = await open();
    await sql`create table t_parent (id integer primary key)`.execute(db);
    await sql`create table t_child (id integer primary key, parent_id integer not null references t_parent (id))`.execute(
      db,
    );
    const error = await failure(sql`insert into t_child (id, parent_id) values (1, 42)`.execute(db));
    expect(error.code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(error.message).toMatch(/^Does not exist: a resource this refers to was not found/);
    const { rows } = await sql<{ n: number }>`select count(*) as n from t_child`.execute(db);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('turns a failed CHECK into INVALID_PARAMETER_VALUE', async () => {
    const { db } = await open();
    await sql`create table t_checked (id integer primary key, size integer constraint size_positive check (size > 0))`.execute(
      db,
    );
    const error = await failure(sql`insert into t_checked (id, size) values (1, -5)`.execute(db));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toMatch(/^Invalid value: a check constraint failed \(.*size_positive.*\)\.$/);
  });

  it('leaves programming errors (bad SQL) untranslated, for the edge to report as internal', async () => {
    const { db } = await open();
    const error: unknown = await sql`select * from no_such_table`.execute(db).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SlipwayError);
  });
});

/** A real Kysely over a driver whose connection throws what we tell it to: exercises every wrapped entry point. */
function failingKysely(failure: Error, where: 'acquire' | 'execute' | 'stream') {
  const connection: DatabaseConnection = {
    async executeQuery<R>(_query: CompiledQuery): Promise<QueryResult<R>> {
      if (where === 'execute') throw failure;
      return { rows: [] };
    },
    async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      yield { rows: [] };
      throw failure;
    },
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => {
      if (where === 'acquire') throw failure;
      return connection;
    },
    beginTransaction: async (inner) => {
      await inner.executeQuery(CompiledQuery.raw('begin'));
    },
    commitTransaction: async () => undefined,
    rollbackTransaction: async () => undefined,
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  const dialect = {
    createDriver: () => driver,
    createAdapter: () => new SqliteAdapter(),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
  };
  const recognised = (error: unknown) => error instanceof Error && error.message.startsWith('driver says no');
  const translate = (error: unknown) =>
    recognised(error) ? new SlipwayError('TEMPORARILY_UNAVAILABLE', 'translated', { cause: error }) : error;
  return new Kysely<{ t: { a: number } }>({ dialect: withErrorTranslation(dialect, translate) });
}

describe('withErrorTranslation', () => {
  const boom = new Error('driver says no: select secret from t');

  it.each(['acquire', 'execute'] as const)('translates errors from %s, with the original as cause', async (where) => {
    const db = failingKysely(boom, where);
    const error = await failure(db.selectFrom('t').selectAll().execute());
    expect([error.message, error.cause]).toEqual(['translated', boom]);
  });

  it('translates errors thrown while streaming', async () => {
    const db = failingKysely(boom, 'stream');
    const seen: unknown[] = [];
    const drain = async () => {
      for await (const row of db.selectFrom('t').selectAll().stream()) seen.push(row);
    };
    const error = await failure(drain());
    expect([error.message, error.cause, seen]).toEqual(['translated', boom, []]);
  });

  it('translates errors from transaction statements and passes unknown errors through', async () => {
    const db = failingKysely(boom, 'execute');
    const error = await failure(db.transaction().execute(async () => undefined));
    expect(error.cause).toBe(boom);
    const other = new Error('other');
    const passthrough = failingKysely(other, 'execute');
    await expect(passthrough.selectFrom('t').selectAll().execute()).rejects.toBe(other);
  });
});
