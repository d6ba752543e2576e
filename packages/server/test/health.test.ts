// Liveness (GET /healthz: the process answers) and readiness (GET /readyz: the database answers
// and holds every migration this code needs; a 503 with the reason otherwise).
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BACKEND } from './backend';
import { call, startTestServer, type TestServer, withDatabase } from './server-harness';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('health', () => {
  it('a running server is live and ready', async () => {
    server = await startTestServer();
    const live = await call(server, 'GET', '/healthz');
    expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
    const ready = await call(server, 'GET', '/readyz');
    expect([ready.status, ready.body]).toEqual([200, { status: 'ready' }]);
  });

  it('a migration missing from the database: not ready (503, naming it), still live', async () => {
    server = await startTestServer();
    await withDatabase(server, (db) =>
      sql`DELETE FROM kysely_migration WHERE name = '0007_events_deduplicated_per_person'`.execute(db),
    );
    const ready = await call(server, 'GET', '/readyz');
    expect([ready.status, ready.body]).toEqual([
      503,
      { status: 'not_ready', reason: 'migrations not applied: 0007_events_deduplicated_per_person' },
    ]);
    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
  });

  it('a migration of a newer version in the database: not ready (503, naming it)', async () => {
    server = await startTestServer();
    await withDatabase(server, (db) =>
      sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9001_from_a_newer_version', '2030-01-01T00:00:00.000Z')`.execute(
        db,
      ),
    );
    const ready = await call(server, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toBe(
      "the database's schema is newer than this server: migrations 9001_from_a_newer_version",
    );
  });

  it.skipIf(BACKEND !== 'postgres')(
    'PostgreSQL refusing connections: not ready (503, "database unreachable", no address or error text), still live',
    async () => {
      server = await startTestServer();
      const name = new URL(server.config.db).pathname.slice(1);
      const admin = new pg.Client({ connectionString: inject('postgresUrl') });
      await admin.connect();
      try {
        // No new connection to the server's database, and its open ones cut.
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        const ready = await call(server, 'GET', '/readyz');
        expect([ready.status, ready.body]).toEqual([503, { status: 'not_ready', reason: 'database unreachable' }]);
        expect((await call(server, 'GET', '/healthz')).status).toBe(200);

        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        await expect.poll(async () => (await call(server!, 'GET', '/readyz')).status, { timeout: 10_000 }).toBe(200);
      } finally {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
        await admin.end();
      }
    },
  );
});
