import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { isPostgresUrl, openPostgres } from '../src/db/postgres';
import { openSqlite } from '../src/db/sqlite';
import { boot, call, messenger } from './server-harness';
import { processTestBed, startServerProcess } from './server-process';

const bed = processTestBed('cli');
const { children } = bed;

describe('confab-server', () => {
  it('at --log-level warn, logs a failed request to stderr, and nothing for the requests that succeed', async () => {
    const server = await startServerProcess(bed.database.db, children, ['--log-level', 'warn']);
    let stderr = '';
    server.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const { session } = await boot(server);
    expect((await call(server, 'GET', '/health')).status).toBe(200);

    // The database breaks under the running server (a table renamed away): the next write is a 500.
    const { db, close } = isPostgresUrl(bed.database.db)
      ? openPostgres(bed.database.db, { max: 1 })
      : openSqlite(bed.database.db);
    try {
      await sql`ALTER TABLE events RENAME TO events_gone`.execute(db);
    } finally {
      await close();
    }
    const failed = await call(server, 'POST', `${messenger()}/events`, {
      token: session.token,
      body: { events: [{ id: 'e1', name: 'a', created_at: 1 }] },
    });
    expect(failed.status).toBe(500);

    await expect.poll(() => stderr, { timeout: 5_000 }).toMatch(/request failed/);
    const logged = stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message: string } });
    expect(logged).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'request failed',
        err: expect.objectContaining({ message: expect.stringMatching(/events/) }),
      }),
    ]);
    await server.kill();
  });
});
