import { invalidParameter, type SlipwayError } from '../../../domain/errors.js';

/** A parsed `postgresql://` metadata URI. */
export interface PostgresTarget {
  /** What `pg` connects with: the URI minus Slipway's own options (`schema`). */
  readonly connectionString: string;
  /** The schema Slipway's tables live in (`?schema=`); undefined means the first schema on the search path. */
  readonly schema: string | undefined;
  /** The URI with passwords replaced by `***`: safe for messages and logs. */
  readonly redacted: string;
  /** `host:port`, for messages. */
  readonly address: string;
}

const EXAMPLE = 'postgresql://slipway:password@db.example.com:5432/slipway?sslmode=require&schema=slipway';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const SECRET_PARAMS = ['password', 'sslpassword'];

/** Parses `postgresql://` or `postgres://` URIs; query options other than `schema` are passed on to `pg`. */
export function parsePostgresUri(uri: string): PostgresTarget {
  const url = parseUrl(uri);
  const schema = url.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw badUri(`schema "${schema}" is not a plain name`);
  const redacted = redactPostgresUri(url);
  url.searchParams.delete('schema');
  return { connectionString: schema === undefined ? uri : url.toString(), schema, redacted, address: addressOf(url) };
}

function parseUrl(uri: string): URL {
  try {
    return new URL(uri);
  } catch {
    // The URI is not echoed back: it may hold a password.
    throw badUri('it cannot be parsed');
  }
}

const badUri = (problem: string): SlipwayError =>
  invalidParameter(`Invalid PostgreSQL URI: ${problem}.`, {
    hint: `Use postgresql://user:password@host:port/database, e.g. ${EXAMPLE} (schema names: lower-case letters, digits, _).`,
  });

/** Replaces the password (in the user part or in the query) with `***`. */
function redactPostgresUri(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = '***';
  for (const name of SECRET_PARAMS) if (copy.searchParams.has(name)) copy.searchParams.set(name, '***');
  return copy.toString();
}

function addressOf(url: URL): string {
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return `${decodeURIComponent(host)}:${url.port || url.searchParams.get('port') || '5432'}`;
}
