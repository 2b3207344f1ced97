import type { ColumnDataType, ColumnDefinitionBuilder, CompiledQuery, Dialect, Kysely } from 'kysely';

/** The SQL dialects Slipway's metadata runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** A column whose SQL differs between dialects: its type and the modifiers that complete it. */
export interface ColumnShape {
  readonly type: ColumnDataType;
  readonly build: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}

/** The dialect-specific pieces migrations need; every dialect module provides one. */
export interface MigrationDialect {
  /** An auto-incrementing 64-bit integer primary key. */
  readonly identity: ColumnShape;
}

/** What a dialect module hands to `openMetadata`: a ready Kysely dialect and what migrations need. */
export interface SqlDialect {
  readonly name: DialectName;
  /** The URI with any password replaced by `***`, for messages. */
  readonly uri: string;
  /** A Kysely dialect whose driver already translates driver errors into `SlipwayError`s. */
  readonly kysely: Dialect;
  readonly migration: MigrationDialect;
  /** The schema that holds Slipway's tables and migration bookkeeping; undefined where there are no schemas. */
  resolveSchema<TDatabase>(db: Kysely<TDatabase>): Promise<string | undefined>;
  /** Optional: large reads as rows of values (see SelectArrays). */
  readonly selectArrays?: SelectArrays | undefined;
}

/**
 * Runs a compiled SELECT on a connection of `db` (waiting for it as Kysely's own queries do) and returns its rows
 * as arrays in column order: no object per row, for reads of tens of thousands of rows (metric history pages).
 */
export type SelectArrays = <TDatabase>(db: Kysely<TDatabase>, query: CompiledQuery) => Promise<unknown[][]>;

/** The one export of every `dialects/<name>.ts` module. */
export type OpenSqlDialect = (uri: string) => Promise<SqlDialect>;

/** Turns a driver error into a `SlipwayError` where it knows what it means; returns anything else unchanged. */
export type TranslateDriverError = (error: unknown) => unknown;
