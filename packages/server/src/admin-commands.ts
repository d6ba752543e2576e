// The command line's maintenance commands: `confab-server migrate`, `confab-server backup <file>`
// and `confab-server teammate add`. Each opens the database, does its one job, prints what it did
// and ends with an exit code.
import { parseArgs } from 'node:util';
import { BackupError, backupSqlite } from './backup';
import { ADMIN_USAGE, ConfigError, optionValue } from './config';
import { migrate, SchemaNewerError } from './db/migrations';
import { isPostgresUrl, openPostgres } from './db/postgres';
import { openSqlite } from './db/sqlite';
import { passwordLink } from './password-links';
import { createStore } from './store';

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
  if (command === 'teammate') return teammateCommand(args.slice(1), env, io);
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

const TEAMMATE_ADD_OPTIONS = {
  db: { type: 'string' },
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  app: { type: 'string', multiple: true },
  'public-url': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/**
 * `confab-server teammate add --email … --name … --role admin|agent [--app <id>]…`: the way in for
 * the first admin (who then invites the others through the API). Prints a one-time link that sets
 * the teammate's password, based on --public-url, else on the address the server listens on.
 */
async function teammateCommand(args: string[], env: NodeJS.ProcessEnv, io: AdminIo): Promise<number> {
  const name = 'confab-server teammate add';
  if (args[0] !== 'add') {
    io.err(`confab-server teammate: name what to do: confab-server teammate add (--help lists its options)`);
    return 2;
  }
  let values: {
    [K in keyof typeof TEAMMATE_ADD_OPTIONS]?: K extends 'app' ? string[] : K extends 'help' ? boolean : string;
  };
  try {
    ({ values } = parseArgs({
      args: args.slice(1),
      options: TEAMMATE_ADD_OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`${name}: ${(error as Error).message}\n\n${ADMIN_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(ADMIN_USAGE);
    return 0;
  }
  const email = values.email?.trim();
  const role = values.role;
  const apps = values.app?.length ? values.app : ['*'];
  const badApp = apps.find((app) => !/^(\*|[A-Za-z0-9_-]{1,64})$/.test(app));
  const misuse =
    !email || !/^[^@\s]+@[^@\s]+$/.test(email)
      ? '--email <address> is required (name@example.com)'
      : !values.name?.trim()
        ? '--name <name> is required'
        : role !== 'admin' && role !== 'agent'
          ? `--role must be admin or agent, got ${JSON.stringify(role ?? '')}`
          : badApp !== undefined
            ? `--app must be an app id (letters, digits, _ and -) or *, got ${JSON.stringify(badApp)}`
            : undefined;
  if (misuse !== undefined) {
    io.err(`${name}: ${misuse}`);
    return 2;
  }
  let base: string;
  let db: string;
  let named = false;
  try {
    // As the server resolves them (config.ts): the flag, else a non-empty variable, else the default.
    db = optionValue('db', values.db, env);
    const publicUrl = optionValue('public-url', values['public-url'], env);
    named = publicUrl !== undefined;
    if (publicUrl !== undefined) base = publicUrl;
    else {
      const host = optionValue('host', values.host, env);
      const port = optionValue('port', values.port, env);
      // A wildcard address is not one to browse to: this machine's name for itself is.
      const browsable = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
      base = `http://${browsable}:${port}`;
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${name}: ${error.message}`);
    return 2;
  }
  const postgres = isPostgresUrl(db);
  const { db: kysely, close } = postgres ? openPostgres(db, { max: 1 }) : openSqlite(db);
  try {
    // The server migrates at start too; the accounts' tables must exist before one is written.
    await migrate(kysely, postgres ? 'postgres' : 'sqlite');
    const store = createStore(kysely, () => {});
    const created = await store.createTeammate(
      { email: email!, name: values.name!.trim(), role: role as 'admin' | 'agent', apps },
      Date.now(),
    );
    if (!created) {
      io.err(`${name}: a teammate already has the email ${email!.toLowerCase()}`);
      return 1;
    }
    const { teammate } = created;
    const link = passwordLink(base, created.link);
    const reach = teammate.apps.includes('*') ? 'every app' : `apps ${teammate.apps.join(', ')}`;
    io.out(
      `${name}: ${teammate.name} <${teammate.email}> is ${role === 'admin' ? 'an admin' : 'an agent'} of ${reach} (id ${teammate.id})`,
    );
    io.out(`Set the password with this link, once, before ${new Date(link.expires_at).toISOString()}:`);
    io.out(link.url);
    if (!named)
      io.err(`${name}: the link names the address the server listens on; set --public-url to where teammates reach it`);
    return 0;
  } catch (error) {
    io.err(
      `${name}: ${error instanceof SchemaNewerError ? error.message : ((error as Error).message ?? String(error))}`,
    );
    return 1;
  } finally {
    await close();
  }
}
