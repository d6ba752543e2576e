import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema';
import { cacheStatements } from './statement-cache';

/**
 * Opens (and creates) the SQLite file. WAL lets the stream's reads run beside writes;
 * `synchronous = FULL` makes a commit durable before it returns, so an acknowledged write
 * survives a crash or a power cut.
 */
export function openSqlite(path: string): { db: Kysely<Database>; close: () => Promise<void> } {
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cacheStatements(sqlite) }) });
  return { db, close: () => db.destroy() };
}
