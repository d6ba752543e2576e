// Upgrading a database that holds data: a migration keeps what the server already promised.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src';
import { migrate } from '../src/db/migrations';
import { isPostgresUrl, openPostgres } from '../src/db/postgres';
import { openSqlite } from '../src/db/sqlite';
import { BACKEND, testDatabase } from './backend';
import { boot, call, messenger, team, TEAM_TOKEN, testConfig } from './server-harness';

describe('migrations', () => {
  it('0004: a conversation started before the upgrade is still found by a retried start, and only by its first message', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'confab-migrations-'));
    const database = await testDatabase(folder);
    try {
      const { db, close } = isPostgresUrl(database.db) ? openPostgres(database.db, { max: 1 }) : openSqlite(database.db);
      try {
        await migrate(db, BACKEND, '0003_rate_limits');
        await db
          .insertInto('people')
          .values({ id: 'p-old', app_id: 'acme', role: 'lead', visitor_id: 'v-old', user_id: null, email: null, name: null, attributes: '{}', created_at: 1, updated_at: 1 })
          .execute();
        await db.insertInto('conversations').values({ id: 'conv-old', app_id: 'acme', person_id: 'p-old', state: 'open', created_at: 1, updated_at: 2, person_unread: 0 }).execute();
        await db
          .insertInto('messages')
          .values([
            { id: 'm-start', conversation_id: 'conv-old', author: 'person', author_name: null, body: 'old start', created_at: 1, client_id: 'old-start' },
            { id: 'm-more', conversation_id: 'conv-old', author: 'person', author_name: null, body: 'old follow-up', created_at: 2, client_id: 'old-more' },
          ])
          .execute();
      } finally {
        await close();
      }

      const server = await startServer(testConfig(folder, { db: database.db }));
      try {
        const { session, person } = await boot(server, { visitor_id: 'v-old' });
        expect(person.id).toBe('p-old');
        const retried = await call(server, 'POST', `${messenger()}/conversations`, { token: session.token, body: { body: 'old start', client_id: 'old-start' } });
        expect([retried.body.conversation.id, retried.body.message.id]).toEqual(['conv-old', 'm-start']);
        const fresh = await call(server, 'POST', `${messenger()}/conversations`, { token: session.token, body: { body: 'new topic', client_id: 'old-more' } });
        expect(fresh.body.conversation.id).not.toBe('conv-old');
        expect(fresh.body.message.body).toBe('new topic');
      } finally {
        await server.close();
      }
    } finally {
      await database.drop();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('0007: events stored before the upgrade are kept, still deduplicated for their person, and another person may use their ids', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'confab-migrations-'));
    const database = await testDatabase(folder);
    try {
      const { db, close } = isPostgresUrl(database.db) ? openPostgres(database.db, { max: 1 }) : openSqlite(database.db);
      try {
        await migrate(db, BACKEND, '0004_conversation_start_client_id');
        await db
          .insertInto('people')
          .values({ id: 'p-old', app_id: 'acme', role: 'lead', visitor_id: 'v-old', user_id: null, email: null, name: null, attributes: '{}', created_at: 1, updated_at: 1 })
          .execute();
        await db.insertInto('events').values({ app_id: 'acme', id: 'e-old', person_id: 'p-old', name: 'old', metadata: '{"n":1}', created_at: 1, received_at: 2 }).execute();
      } finally {
        await close();
      }

      const server = await startServer(testConfig(folder, { db: database.db }));
      try {
        const old = await boot(server, { visitor_id: 'v-old' });
        const other = await boot(server);
        const send = (token: string, name: string) => call(server, 'POST', `${messenger()}/events`, { token, body: { events: [{ id: 'e-old', name, created_at: 3 }] } });
        expect((await send(old.session.token, 'retried')).status).toBe(200);
        expect((await send(other.session.token, 'theirs')).status).toBe(200);
        const eventsOf = async (personId: string) =>
          (await call(server, 'GET', `${team()}/contacts/${personId}/events`, { token: TEAM_TOKEN })).body.events.map((e: { name: string; metadata?: unknown }) => [e.name, e.metadata ?? null]);
        expect(await eventsOf('p-old')).toEqual([['old', { n: 1 }]]);
        expect(await eventsOf(other.person.id)).toEqual([['theirs', null]]);
      } finally {
        await server.close();
      }
    } finally {
      await database.drop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
