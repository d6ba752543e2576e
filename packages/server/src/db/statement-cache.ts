// better-sqlite3 behind Kysely, its statements prepared once: Kysely's SQLite driver calls
// `prepare(sql)` for every query it runs, and compiling the same SQL again costs more than running
// it. Kysely takes any object with `prepare` and `close` (SqliteDialect's `database`).
import type SQLite from 'better-sqlite3';

/** Distinct SQL texts kept: a query's text varies only with its IN lists and multi-row inserts, which the bound keeps in check. */
export const STATEMENT_CACHE_SIZE = 500;

export interface CachingDatabase {
  prepare(sql: string): SQLite.Statement;
  close(): void;
}

export function cacheStatements(database: SQLite.Database, size = STATEMENT_CACHE_SIZE): CachingDatabase {
  // A Map iterates in insertion order: re-inserting on each use makes its first key the least recently used.
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql) {
      let statement = statements.get(sql);
      // A statement iterating its rows (Kysely's stream()) cannot run again until it is done.
      if (statement?.busy) return database.prepare(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
