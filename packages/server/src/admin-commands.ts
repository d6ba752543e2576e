// The command line's maintenance commands: `confab-server migrate` and `confab-server backup <file>`.
// Each opens the database, does its one job, prints one line and ends with an exit code.
import { parseArgs } from 'node:util';
import { BackupError, backupSqlite } from './backup';
import { ADMIN_USAGE, optionValue } from './config';
import { migrate, SchemaNewerError } from './db/migrations';
import { isPostgresUrl, openPostgres } from './db/postgres';
import { openSqlite } from './db/sqlite';

export interface AdminIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: AdminIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

/**
 * Runs `argv` when it names a maintenance command, resolving with its exit code (0 done, 1 failed,
 * 2 misused); undefined when it does not, and the server starts as usual.
 */
export function runAdminCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: AdminIo = consoleIo,
): Promise<number> | undefined {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const command = args[0];
  if (command !== 'migrate' && command !== 'backup') return undefined;
  return run(command, args.slice(1), env, io);
}

async function run(
  command: 'migrate' | 'backup',
  args: string[],
  env: NodeJS.ProcessEnv,
  io: AdminIo,
): Promise<number> {
  let values: { db?: string | undefined; help?: boolean | undefined }, positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { db: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    io.err(`confab-server ${command}: ${(error as Error).message}\n\n${ADMIN_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(ADMIN_USAGE);
    return 0;
  }
  // As the server resolves it (config.ts): the flag, else a non-empty variable, else the default.
  const db = optionValue('db', values.db, env);
  const expected = command === 'backup' ? 1 : 0;
  if (positionals.length !== expected) {
    io.err(
      `confab-server ${command}: ${command === 'backup' ? 'name the backup file: confab-server backup <file>' : `unexpected argument ${JSON.stringify(positionals[0])}`}`,
    );
    return 2;
  }
  try {
    if (command === 'migrate') await migrateCommand(db, io);
    else await backupCommand(db, positionals[0]!, io);
    return 0;
  } catch (error) {
    const known = error instanceof SchemaNewerError || error instanceof BackupError;
    io.err(`confab-server ${command}: ${known ? error.message : `${(error as Error).message ?? String(error)}`}`);
    return error instanceof BackupError && isPostgresUrl(db) ? 2 : 1;
  }
}

async function migrateCommand(db: string, io: AdminIo) {
  const postgres = isPostgresUrl(db);
  const { db: kysely, close } = postgres ? openPostgres(db, { max: 1 }) : openSqlite(db);
  try {
    const applied = await migrate(kysely, postgres ? 'postgres' : 'sqlite');
    io.out(
      applied.length === 0
        ? 'confab-server migrate: the database is up to date'
        : `confab-server migrate: applied ${applied.join(', ')}`,
    );
  } finally {
    await close();
  }
}

async function backupCommand(db: string, file: string, io: AdminIo) {
  if (isPostgresUrl(db))
    throw new BackupError(
      'backup copies a SQLite database; for PostgreSQL use pg_dump (docs/production.md, "Backups")',
    );
  const { pages } = await backupSqlite(db, file);
  io.out(`confab-server backup: ${db} copied to ${file} (${pages} pages)`);
}
