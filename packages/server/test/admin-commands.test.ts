// `confab-server migrate`, the refusal of a database a newer version migrated, and
// `confab-server backup` of a SQLite database while the server runs and writes.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../src';
import { runAdminCommand } from '../src/admin-commands';
import { migrate, schemaStatus } from '../src/db/migrations';
import { isPostgresUrl, openPostgres } from '../src/db/postgres';
import { openSqlite } from '../src/db/sqlite';
import { BACKEND, testDatabase } from './backend';
import { boot, call, messenger, team, testConfig } from './server-harness';
import { runServerCommand, startServerProcess } from './server-process';

const folders: string[] = [];
const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const cleanup of cleanups) await cleanup();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function freshDatabase() {
  const folder = mkdtempSync(join(tmpdir(), 'confab-admin-'));
  folders.push(folder);
  const database = await testDatabase(folder);
  cleanups.push(database.drop);
  return { folder, db: database.db };
}

async function onDatabase<T>(
  db: string,
  work: (kysely: ReturnType<typeof openSqlite>['db']) => Promise<T>,
): Promise<T> {
  const { db: kysely, close } = isPostgresUrl(db) ? openPostgres(db, { max: 1 }) : openSqlite(db);
  try {
    return await work(kysely);
  } finally {
    await close();
  }
}

function captured() {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, io: { out: (line: string) => lines.out.push(line), err: (line: string) => lines.err.push(line) } };
}

describe('confab-server migrate', () => {
  it('applies the pending migrations and names them; run again, says the database is up to date', async () => {
    const { db } = await freshDatabase();
    const pending = await onDatabase(db, async (kysely) => {
      await migrate(kysely, BACKEND, '0005_people_email_verified');
      return (await schemaStatus(kysely, BACKEND)).pending;
    });
    expect(pending.slice(0, 2)).toEqual(['0006_lead_device', '0007_events_deduplicated_per_person']);
    const first = captured();
    expect(await runAdminCommand(['migrate', '--db', db], {}, first.io)).toBe(0);
    expect(first.lines.out).toEqual([`confab-server migrate: applied ${pending.join(', ')}`]);
    const again = captured();
    expect(await runAdminCommand(['migrate'], { CONFAB_DB: db }, again.io)).toBe(0);
    expect(again.lines.out).toEqual(['confab-server migrate: the database is up to date']);
  });

  it('a misused command is exit code 2 with one line saying why', async () => {
    const unknownFlag = captured();
    expect(await runAdminCommand(['migrate', '--dbb', 'x'], {}, unknownFlag.io)).toBe(2);
    expect(unknownFlag.lines.err[0]).toMatch(/^confab-server migrate: Unknown option '--dbb'/);
    const extra = captured();
    expect(await runAdminCommand(['migrate', 'now'], {}, extra.io)).toBe(2);
    expect(extra.lines.err).toEqual(['confab-server migrate: unexpected argument "now"']);
    const noFile = captured();
    expect(await runAdminCommand(['backup'], {}, noFile.io)).toBe(2);
    expect(noFile.lines.err).toEqual(['confab-server backup: name the backup file: confab-server backup <file>']);
  });
});

describe('a database a newer version migrated', () => {
  it('is refused by the server (startServer, and the command line: one clear line, exit 1) and by migrate, and left as it was', async () => {
    const { folder, db } = await freshDatabase();
    const applied = await onDatabase(db, async (kysely) => {
      const names = await migrate(kysely, BACKEND);
      await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9001_from_a_newer_version', '2030-01-01T00:00:00.000Z')`.execute(
        kysely,
      );
      return names;
    });
    const message =
      "the database's schema is newer than this confab-server: it has run migration 9001_from_a_newer_version, which this version does not know. " +
      'Run the confab-server version that migrated it (or a newer one), or restore a backup taken before that upgrade.';

    await expect(startServer(testConfig(folder, { db }))).rejects.toThrow(message);

    const started = await runServerCommand([
      '--port',
      '0',
      '--db',
      db,
      '--team-token',
      'team-token-for-tests-0123456789',
    ]);
    expect(started.code).toBe(1);
    // The warning for an unbuilt widget (a checkout where packages/dom is not built) is not the refusal.
    const refusal = started.stderr
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith("confab-server: warning: the widget's script"));
    expect(refusal).toEqual([`confab-server: ${message}`]);
    expect(started.stdout).not.toMatch(/listening/);

    const migrated = captured();
    expect(await runAdminCommand(['migrate', '--db', db], {}, migrated.io)).toBe(1);
    expect(migrated.lines.err).toEqual([`confab-server migrate: ${message}`]);

    const names = await onDatabase(db, async (kysely) =>
      (await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(kysely)).rows.map(
        (r) => r.name,
      ),
    );
    expect(names).toEqual([...applied, '9001_from_a_newer_version']);
  }, 60_000);
});

describe.skipIf(BACKEND !== 'sqlite')('confab-server backup (SQLite)', () => {
  it('copies the database while the server runs and writes; a server started on the copy has every message acknowledged before the backup began', async () => {
    const { folder, db } = await freshDatabase();
    const server = await startServerProcess(db, children);
    const clients = await Promise.all(
      Array.from({ length: 3 }, async (_, c) => {
        const { session } = await boot(server);
        const started = await call(server, 'POST', `${messenger()}/conversations`, {
          token: session.token,
          body: { body: `client ${c} starts`, client_id: `start-${c}` },
        });
        return { token: session.token, conversationId: started.body.conversation.id as string };
      }),
    );
    const acknowledged: Array<{ token: string; conversationId: string; id: string }> = [];
    let writing = true;
    const writers = clients.map(async (client, c) => {
      for (let i = 0; writing; i++) {
        const posted = await call(server, 'POST', `${messenger()}/conversations/${client.conversationId}/messages`, {
          token: client.token,
          body: { body: `m${i}`, client_id: `c${c}-m${i}` },
        });
        if (posted.status === 200) acknowledged.push({ ...client, id: posted.body.id });
      }
    });
    while (acknowledged.length < 60) await new Promise((resolve) => setTimeout(resolve, 20));

    // The backup runs while the writers keep writing.
    const before = [...acknowledged];
    const file = join(folder, 'backup.sqlite');
    const backup = await runServerCommand(['backup', file, '--db', db]);
    writing = false;
    await Promise.all(writers);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(
      /^confab-server backup: .*confab\.sqlite copied to .*backup\.sqlite \(\d+ pages\)\n$/,
    );
    // One self-contained file, whole.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const copy = new SQLite(file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);

    // Restored: a server on the copy.
    const restored = await startServer(testConfig(folder, { db: file }));
    try {
      const stored = new Set<string>();
      for (const client of clients) {
        const thread = await call(restored, 'GET', `${messenger()}/conversations/${client.conversationId}`, {
          token: client.token,
        });
        expect(thread.status).toBe(200);
        for (const message of thread.body.messages) stored.add(message.id);
      }
      expect(before.filter((message) => !stored.has(message.id))).toEqual([]);
      expect(before.length).toBeGreaterThanOrEqual(60);
    } finally {
      await restored.close();
    }
  }, 60_000);

  it('refuses to write over the database itself, a database that is not there, and PostgreSQL (pointing to pg_dump)', async () => {
    const { folder, db } = await freshDatabase();
    await onDatabase(db, (kysely) => migrate(kysely, 'sqlite'));
    const over = captured();
    expect(await runAdminCommand(['backup', join(folder, '.', 'confab.sqlite'), '--db', db], {}, over.io)).toBe(1);
    expect(over.lines.err).toEqual([
      `confab-server backup: the backup would overwrite the database itself: ${join(folder, 'confab.sqlite')}`,
    ]);
    const missing = captured();
    expect(
      await runAdminCommand(
        ['backup', join(folder, 'b.sqlite'), '--db', join(folder, 'nothing.sqlite')],
        {},
        missing.io,
      ),
    ).toBe(1);
    expect(missing.lines.err).toEqual([
      `confab-server backup: no SQLite database at ${join(folder, 'nothing.sqlite')} (--db)`,
    ]);
    expect(existsSync(join(folder, 'nothing.sqlite'))).toBe(false);
    const postgres = captured();
    expect(
      await runAdminCommand(
        ['backup', join(folder, 'b.sqlite'), '--db', 'postgres://confab@db.internal/confab'],
        {},
        postgres.io,
      ),
    ).toBe(2);
    expect(postgres.lines.err).toEqual([
      'confab-server backup: backup copies a SQLite database; for PostgreSQL use pg_dump (docs/production.md, "Backups")',
    ]);
    expect(existsSync(join(folder, 'b.sqlite'))).toBe(false);
  });
});

describe('confab-server teammate add', () => {
  const linkToken = (url: string) => decodeURIComponent(new URL(url).hash.replace(/^#token=/, ''));

  it('makes the first admin and prints the one-time link that sets their password; they sign in and manage the team', async () => {
    const { folder, db } = await freshDatabase();
    const added = captured();
    const code = await runAdminCommand(
      ['teammate', 'add', '--email', 'Ada@Example.com', '--name', 'Ada Lovelace', '--role', 'admin', '--db', db],
      { CONFAB_PORT: '9123' },
      added.io,
    );
    expect(code).toBe(0);
    expect(added.lines.out[0]).toMatch(
      /^confab-server teammate add: Ada Lovelace <ada@example\.com> is an admin of every app \(id [\w-]+\)$/,
    );
    const url = added.lines.out[2]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:9123\/inbox\/set-password#token=[\w-]{43}$/);
    expect(added.lines.err).toEqual([
      'confab-server teammate add: the link names the address the server listens on; set --public-url to where teammates reach it',
    ]);

    const server = await startServer(testConfig(folder, { db }));
    try {
      const set = await call(server, 'POST', '/api/v1/auth/password', {
        body: { token: linkToken(url), password: 'analytical engine' },
      });
      expect(set.status).toBe(200);
      const again = await call(server, 'POST', '/api/v1/auth/password', {
        body: { token: linkToken(url), password: 'someone else entirely' },
      });
      expect(again.status).toBe(400);
      const login = await call(server, 'POST', '/api/v1/auth/login', {
        body: { email: 'ada@example.com', password: 'analytical engine' },
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
      const invite = await call(server, 'POST', '/api/v1/teammates', {
        headers: { cookie, origin: server.url },
        body: { email: 'alan@example.com', name: 'Alan', role: 'agent', apps: ['acme'] },
      });
      expect(invite.status).toBe(201);
      expect((await call(server, 'GET', `${team('any')}/conversations`, { headers: { cookie } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('--app limits the apps; --public-url is the base of the link; a taken email is exit 1', async () => {
    const { db } = await freshDatabase();
    const added = captured();
    const args = ['teammate', 'add', '--email', 'lin@example.com', '--name', 'Lin', '--role', 'agent'];
    expect(
      await runAdminCommand(
        [...args, '--app', 'acme', '--app', 'beta', '--public-url', 'https://support.example.com/'],
        { CONFAB_DB: db },
        added.io,
      ),
    ).toBe(0);
    expect(added.lines.out[0]).toMatch(/Lin <lin@example\.com> is an agent of apps acme, beta/);
    expect(added.lines.out[2]).toMatch(/^https:\/\/support\.example\.com\/inbox\/set-password#token=/);
    expect(added.lines.err).toEqual([]);
    const taken = captured();
    expect(await runAdminCommand([...args, '--db', db], {}, taken.io)).toBe(1);
    expect(taken.lines.err).toEqual(['confab-server teammate add: a teammate already has the email lin@example.com']);
  });

  it('a misused command is exit code 2 with one line saying why, and writes nothing', async () => {
    const { db } = await freshDatabase();
    const cases: Array<[string[], string]> = [
      [['teammate'], 'confab-server teammate: name what to do: confab-server teammate add (--help lists its options)'],
      [
        ['teammate', 'add', '--name', 'X', '--role', 'admin'],
        'confab-server teammate add: --email <address> is required (name@example.com)',
      ],
      [
        ['teammate', 'add', '--email', 'x@example.com', '--role', 'admin'],
        'confab-server teammate add: --name <name> is required',
      ],
      [
        ['teammate', 'add', '--email', 'x@example.com', '--name', 'X', '--role', 'owner'],
        'confab-server teammate add: --role must be admin or agent, got "owner"',
      ],
      [
        ['teammate', 'add', '--email', 'x@example.com', '--name', 'X', '--role', 'agent', '--app', 'a b'],
        'confab-server teammate add: --app must be an app id (letters, digits, _ and -) or *, got "a b"',
      ],
      [
        ['teammate', 'add', '--email', 'x@example.com', '--name', 'X', '--role', 'agent', '--public-url', 'ftp://x'],
        'confab-server teammate add: --public-url must be an http(s) URL like https://support.example.com (no query, fragment or credentials), got "ftp://x"',
      ],
    ];
    for (const [args, line] of cases) {
      const run = captured();
      expect(await runAdminCommand([...args, '--db', db], {}, run.io)).toBe(2);
      expect(run.lines.err).toEqual([line]);
    }
    const unknown = captured();
    expect(await runAdminCommand(['teammate', 'add', '--emial', 'x', '--db', db], {}, unknown.io)).toBe(2);
    expect(unknown.lines.err[0]).toMatch(/^confab-server teammate add: Unknown option '--emial'/);
    expect(existsSync(db) && !isPostgresUrl(db)).toBe(false);
  });

  it('runs as the real command line', async () => {
    const { db } = await freshDatabase();
    const ran = await runServerCommand([
      'teammate',
      'add',
      '--email',
      'cli@example.com',
      '--name',
      'Cli',
      '--role',
      'admin',
      '--db',
      db,
      '--public-url',
      'https://confab.example',
    ]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^https:\/\/confab\.example\/inbox\/set-password#token=[\w-]{43}$/m);
  }, 60_000);
});
