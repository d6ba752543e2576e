import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { nameStatements } from './prepared-statements';
import type { Database } from './schema';

/** Is this `--db` / DATABASE_URL a PostgreSQL connection string (else: a SQLite file)? */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * A pool on the PostgreSQL server the URL names. Times are milliseconds in `bigint` columns, which
 * `pg` returns as strings (to be safe past 2^53): here they are read as numbers, as SQLite gives
 * them, since no Confab time or id comes near 2^53.
 */
export function openPostgres(
  url: string,
  options: { max?: number } = {},
): { db: Kysely<Database>; pool: pg.Pool; close: () => Promise<void> } {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server (a restart) must not crash the process: the pool drops it.
  pool.on('error', () => {});
  // Each query text is parsed once per connection (prepared-statements.ts).
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: nameStatements(pool).pool }) });
  return { db, pool, close: () => db.destroy() };
}
