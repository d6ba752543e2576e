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
import { boot, call, messenger, testConfig } from './server-harness';
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
    expect(started.stderr.trim().split('\n')).toEqual([`confab-server: ${message}`]);
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
