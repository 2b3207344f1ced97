import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import type { TranslateDriverError } from './sql-dialect.js';

type CompileQuery = QueryCompiler['compileQuery'];

/**
 * Wraps a Kysely dialect so that every driver error (from a query, a stream, a connection or a transaction
 * statement) passes through `translate` before it reaches store code. Store code never catches driver errors.
 */
export function withErrorTranslation(dialect: Dialect, translate: TranslateDriverError): Dialect {
  return {
    createDriver: () => new TranslatingDriver(dialect.createDriver(), translate),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

async function guard<T>(work: () => Promise<T> | T, translate: TranslateDriverError): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translate(error);
  }
}

class TranslatingConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #translate: TranslateDriverError;

  constructor(inner: DatabaseConnection, translate: TranslateDriverError) {
    this.inner = inner;
    this.#translate = translate;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return guard(() => this.inner.executeQuery<R>(query), this.#translate);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (error) {
      throw this.#translate(error);
    }
  }
}

/** The inner driver only ever sees its own connections; ours are wrappers around them. */
const unwrap = (connection: DatabaseConnection): DatabaseConnection =>
  connection instanceof TranslatingConnection ? connection.inner : connection;

class TranslatingDriver implements Driver {
  readonly #inner: Driver;
  readonly #translate: TranslateDriverError;
  readonly #wrapped = new WeakMap<DatabaseConnection, TranslatingConnection>();

  constructor(inner: Driver, translate: TranslateDriverError) {
    this.#inner = inner;
    this.#translate = translate;
  }

  init(): Promise<void> {
    return guard(() => this.#inner.init(), this.#translate);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await guard(() => this.#inner.acquireConnection(), this.#translate);
    let wrapped = this.#wrapped.get(inner);
    if (wrapped === undefined) {
      wrapped = new TranslatingConnection(inner, this.#translate);
      this.#wrapped.set(inner, wrapped);
    }
    return wrapped;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return guard(() => this.#inner.beginTransaction(unwrap(connection), settings), this.#translate);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return guard(() => this.#inner.commitTransaction(unwrap(connection)), this.#translate);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return guard(() => this.#inner.rollbackTransaction(unwrap(connection)), this.#translate);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    return guard(() => this.#savepointMethod('savepoint')(unwrap(connection), name, compile), this.#translate);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    return guard(
      () => this.#savepointMethod('rollbackToSavepoint')(unwrap(connection), name, compile),
      this.#translate,
    );
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    return guard(() => this.#savepointMethod('releaseSavepoint')(unwrap(connection), name, compile), this.#translate);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }

  #savepointMethod(name: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint') {
    const method = this.#inner[name];
    if (method === undefined) throw new Error(`The SQL driver does not support ${name}.`);
    return method.bind(this.#inner);
  }
}
