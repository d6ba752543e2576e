// `confab-server backup`: a consistent copy of a SQLite database, taken while the server runs,
// through SQLite's online backup API (better-sqlite3's `backup`). WAL mode lets the copy read a
// snapshot while the server keeps writing; what was committed before the copy started is in it.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import SQLite from 'better-sqlite3';

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** One step copies every page: a single read transaction, which the server's writes cannot restart. */
const ALL_PAGES = 0x7fffffff;

function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  if (!existsSync(b)) return false;
  const [x, y] = [statSync(a), statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}

/**
 * Copies the SQLite database at `source` to `destination`: written beside it under another name,
 * checked (PRAGMA quick_check), turned into a single file (no -wal beside it), then renamed into
 * place, so `destination` is never a half-written copy. Returns its size in pages.
 */
export async function backupSqlite(source: string, destination: string): Promise<{ pages: number }> {
  if (source === ':memory:' || !existsSync(source)) throw new BackupError(`no SQLite database at ${source} (--db)`);
  if (sameFile(source, destination))
    throw new BackupError(`the backup would overwrite the database itself: ${destination}`);
  const partial = `${destination}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const database = new SQLite(source, { fileMustExist: true });
  let pages: number;
  try {
    database.pragma('busy_timeout = 5000');
    ({ totalPages: pages } = await database.backup(partial, { progress: () => ALL_PAGES }));
  } catch (error) {
    rmSync(partial, { force: true });
    throw new BackupError(`the backup of ${source} failed: ${(error as Error).message}`);
  } finally {
    database.close();
  }
  const copy = new SQLite(partial);
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`the copy of ${source} failed its integrity check: ${String(check)}`);
    copy.pragma('journal_mode = DELETE');
  } catch (error) {
    copy.close();
    rmSync(partial, { force: true });
    throw error;
  }
  copy.close();
  renameSync(partial, destination);
  return { pages };
}
