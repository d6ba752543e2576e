// Upgrading a database that holds data: a migration keeps what the server already promised.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { hashToken, type RunningServer, type ServerConfig, startServer, userHash } from '../src';
import { migrate, migrations } from '../src/db/migrations';
import { isPostgresUrl, openPostgres } from '../src/db/postgres';
import type { Database } from '../src/db/schema';
import { openSqlite } from '../src/db/sqlite';
import { BACKEND, testDatabase } from './backend';
import { boot, call, messenger, TEAM_TOKEN, team, testConfig } from './server-harness';
import { openRawStream, received, type SseBlock } from './sse-blocks';

/**
 * A database migrated up to `migration` and filled by `seed`, then upgraded by a server starting
 * on it (with `config`), which `check` talks to; everything is removed afterwards.
 */
async function upgradeFrom(
  migration: string,
  seed: (db: Kysely<Database>) => Promise<void>,
  check: (server: RunningServer) => Promise<void>,
  config: Partial<ServerConfig> = {},
): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'confab-migrations-'));
  const database = await testDatabase(folder);
  try {
    const { db, close } = isPostgresUrl(database.db) ? openPostgres(database.db, { max: 1 }) : openSqlite(database.db);
    try {
      await migrate(db, BACKEND, migration);
      await seed(db);
    } finally {
      await close();
    }
    const server = await startServer(testConfig(folder, { db: database.db, ...config }));
    try {
      await check(server);
    } finally {
      await server.close();
    }
  } finally {
    await database.drop();
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('migrations', () => {
  it('0004: a conversation started before the upgrade is still found by a retried start, and only by its first message', async () => {
    await upgradeFrom(
      '0003_rate_limits',
      async (db) => {
        await db
          .insertInto('people')
          .values({
            id: 'p-old',
            app_id: 'acme',
            role: 'lead',
            visitor_id: 'v-old',
            user_id: null,
            email: null,
            name: null,
            attributes: '{}',
            created_at: 1,
            updated_at: 1,
          })
          .execute();
        await db
          .insertInto('sessions')
          .values({
            token_hash: hashToken('old-token'),
            app_id: 'acme',
            person_id: 'p-old',
            created_at: 1,
            expires_at: Date.now() + 3_600_000,
            revoked_at: null,
          })
          .execute();
        await db
          .insertInto('conversations')
          .values({
            id: 'conv-old',
            app_id: 'acme',
            person_id: 'p-old',
            state: 'open',
            created_at: 1,
            updated_at: 2,
            person_unread: 0,
          })
          .execute();
        await db
          .insertInto('messages')
          .values([
            {
              id: 'm-start',
              conversation_id: 'conv-old',
              author: 'person',
              author_name: null,
              body: 'old start',
              created_at: 1,
              client_id: 'old-start',
            },
            {
              id: 'm-more',
              conversation_id: 'conv-old',
              author: 'person',
              author_name: null,
              body: 'old follow-up',
              created_at: 2,
              client_id: 'old-more',
            },
          ])
          .execute();
      },
      async (server) => {
        const { session, person } = await boot(server, { visitor_id: 'v-old', session_token: 'old-token' });
        expect(person.id).toBe('p-old');
        const retried = await call(server, 'POST', `${messenger()}/conversations`, {
          token: session.token,
          body: { body: 'old start', client_id: 'old-start' },
        });
        expect([retried.body.conversation.id, retried.body.message.id]).toEqual(['conv-old', 'm-start']);
        const fresh = await call(server, 'POST', `${messenger()}/conversations`, {
          token: session.token,
          body: { body: 'new topic', client_id: 'old-more' },
        });
        expect(fresh.body.conversation.id).not.toBe('conv-old');
        expect(fresh.body.message.body).toBe('new topic');
      },
    );
  });

  it('0005: an email-only user is still found by their signed email; an email stored beside a user_id is no longer a key', async () => {
    const secret = 'identity-secret-0123456789';
    await upgradeFrom(
      '0004_conversation_start_client_id',
      async (db) => {
        const person = {
          app_id: 'acme',
          role: 'user' as const,
          name: null,
          attributes: '{}',
          created_at: 1,
          updated_at: 1,
        };
        await db
          .insertInto('people')
          .values([
            { ...person, id: 'p-planted', visitor_id: 'v-1', user_id: 'att-1', email: 'carol@example.com' },
            { ...person, id: 'p-carol', visitor_id: 'v-2', user_id: null, email: 'carol@example.com', created_at: 2 },
          ])
          .execute();
      },
      async (server) => {
        const carol = await boot(server, {
          identity: { email: 'carol@example.com', user_hash: userHash(secret, 'carol@example.com') },
        });
        expect(carol.person.id).toBe('p-carol');
        const contacts = await call(server, 'GET', `${team()}/contacts?email=carol@example.com`, { token: TEAM_TOKEN });
        expect(
          contacts.body.contacts.map((c: { id: string; email_verified: boolean }) => [c.id, c.email_verified]),
        ).toEqual([
          ['p-planted', false],
          ['p-carol', true],
        ]);
      },
      { secret },
    );
  });

  it("0006: a lead made before the upgrade is resumed by its live session token, which binds it to that browser's device; its visitor id alone opens nothing", async () => {
    await upgradeFrom(
      '0004_conversation_start_client_id',
      async (db) => {
        await db
          .insertInto('people')
          .values({
            id: 'p-legacy',
            app_id: 'acme',
            role: 'lead',
            visitor_id: 'v-legacy',
            user_id: null,
            email: null,
            name: null,
            attributes: '{}',
            created_at: 1,
            updated_at: 1,
          })
          .execute();
        await db
          .insertInto('sessions')
          .values({
            token_hash: hashToken('legacy-token'),
            app_id: 'acme',
            person_id: 'p-legacy',
            created_at: 1,
            expires_at: Date.now() + 3_600_000,
            revoked_at: null,
          })
          .execute();
        await db
          .insertInto('conversations')
          .values({
            id: 'conv-legacy',
            app_id: 'acme',
            person_id: 'p-legacy',
            state: 'open',
            created_at: 1,
            updated_at: 2,
            person_unread: 0,
          })
          .execute();
      },
      async (server) => {
        const stranger = await boot(server, { visitor_id: 'v-legacy', device_id: 'device-of-a-stranger' });
        expect(stranger.person.id).not.toBe('p-legacy');
        expect(stranger.conversations).toEqual([]);
        const owner = await boot(server, {
          visitor_id: 'v-legacy',
          device_id: 'device-of-the-owner',
          session_token: 'legacy-token',
        });
        expect(owner.person.id).toBe('p-legacy');
        expect(owner.conversations.map((c) => c.id)).toEqual(['conv-legacy']);
        // Bound now: that browser resumes the lead without a token, the stranger's still does not.
        const later = await boot(server, { visitor_id: 'v-legacy', device_id: 'device-of-the-owner' });
        expect(later.person.id).toBe('p-legacy');
        const strangerAgain = await boot(server, { visitor_id: 'v-legacy', device_id: 'device-of-a-stranger' });
        expect(strangerAgain.person.id).toBe(stranger.person.id);
        expect(strangerAgain.conversations).toEqual([]);
      },
    );
  });

  it('0007: events stored before the upgrade are kept, still deduplicated for their person, and another person may use their ids', async () => {
    await upgradeFrom(
      '0004_conversation_start_client_id',
      async (db) => {
        await db
          .insertInto('people')
          .values({
            id: 'p-old',
            app_id: 'acme',
            role: 'lead',
            visitor_id: 'v-old',
            user_id: null,
            email: null,
            name: null,
            attributes: '{}',
            created_at: 1,
            updated_at: 1,
          })
          .execute();
        await db
          .insertInto('sessions')
          .values({
            token_hash: hashToken('old-token'),
            app_id: 'acme',
            person_id: 'p-old',
            created_at: 1,
            expires_at: Date.now() + 3_600_000,
            revoked_at: null,
          })
          .execute();
        await db
          .insertInto('events')
          .values({
            app_id: 'acme',
            id: 'e-old',
            person_id: 'p-old',
            name: 'old',
            metadata: '{"n":1}',
            created_at: 1,
            received_at: 2,
          })
          .execute();
      },
      async (server) => {
        const old = await boot(server, { visitor_id: 'v-old', session_token: 'old-token' });
        const other = await boot(server);
        const send = (token: string, name: string) =>
          call(server, 'POST', `${messenger()}/events`, {
            token,
            body: { events: [{ id: 'e-old', name, created_at: 3 }] },
          });
        expect((await send(old.session.token, 'retried')).status).toBe(200);
        expect((await send(other.session.token, 'theirs')).status).toBe(200);
        const eventsOf = async (personId: string) =>
          (await call(server, 'GET', `${team()}/contacts/${personId}/events`, { token: TEAM_TOKEN })).body.events.map(
            (e: { name: string; metadata?: unknown }) => [e.name, e.metadata ?? null],
          );
        expect(await eventsOf('p-old')).toEqual([['old', { n: 1 }]]);
        expect(await eventsOf(other.person.id)).toEqual([['theirs', null]]);
      },
    );
  });

  it("0009: conversations from before keep their state and order in the team's list, unassigned and unread; old replies keep their names", async () => {
    await upgradeFrom(
      '0007_events_deduplicated_per_person',
      async (db) => {
        await db
          .insertInto('people')
          .values({
            id: 'p-0009',
            app_id: 'acme',
            role: 'lead',
            visitor_id: 'v-0009',
            user_id: null,
            email: null,
            name: 'Old Visitor',
            attributes: '{}',
            created_at: 1,
            updated_at: 1,
          })
          .execute();
        await db
          .insertInto('conversations')
          .values([
            { id: 'c-closed', app_id: 'acme', person_id: 'p-0009', state: 'closed', created_at: 1, updated_at: 5 },
            { id: 'c-open', app_id: 'acme', person_id: 'p-0009', state: 'open', created_at: 2, updated_at: 9 },
          ] as never)
          .execute();
        await db
          .insertInto('messages')
          .values([
            {
              id: 'm-q',
              conversation_id: 'c-open',
              author: 'person',
              author_name: null,
              body: 'Hi',
              created_at: 3,
              client_id: 'q',
            },
            {
              id: 'm-a',
              conversation_id: 'c-open',
              author: 'team',
              author_name: 'Sam',
              body: 'Hello',
              created_at: 9,
              client_id: null,
            },
          ] as never)
          .execute();
      },
      async (server) => {
        const list = await call(server, 'GET', `${team()}/conversations`, { token: TEAM_TOKEN });
        expect(list.status).toBe(200);
        expect(
          list.body.conversations.map((c: { id: string; state: string; activity_at: number }) => [
            c.id,
            c.state,
            c.activity_at,
          ]),
        ).toEqual([
          ['c-open', 'open', 9],
          ['c-closed', 'closed', 5],
        ]);
        for (const conversation of list.body.conversations) {
          expect(conversation).toMatchObject({ assignee_id: null, unread: true });
        }
        const thread = await call(server, 'GET', `${team()}/conversations/c-open`, { token: TEAM_TOKEN });
        expect(thread.body.thread.map((e: { kind: string; author_name?: string }) => [e.kind, e.author_name])).toEqual([
          ['message', undefined],
          ['message', 'Sam'],
        ]);
        const closedOnly = await call(server, 'GET', `${team()}/conversations?state=closed`, { token: TEAM_TOKEN });
        expect(closedOnly.body.conversations.map((c: { id: string }) => c.id)).toEqual(['c-closed']);
      },
    );
  });

  it('0011: a conversation from before the upgrade has no team_seen_at until a teammate reads it; the team stream starts with what comes after', async () => {
    await upgradeFrom(
      '0008_teammates',
      async (db) => {
        await db
          .insertInto('people')
          .values({
            id: 'p-before',
            app_id: 'acme',
            role: 'lead',
            visitor_id: 'v-before',
            attributes: '{}',
            created_at: 1,
            updated_at: 1,
          })
          .execute();
        await db
          .insertInto('sessions')
          .values({
            token_hash: hashToken('token-before'),
            app_id: 'acme',
            person_id: 'p-before',
            created_at: 1,
            expires_at: Date.now() + 3_600_000,
          })
          .execute();
        await db
          .insertInto('conversations')
          .values({
            id: 'conv-before',
            app_id: 'acme',
            person_id: 'p-before',
            state: 'open',
            created_at: 1,
            updated_at: 1,
            person_unread: 0,
          })
          .execute();
        await db
          .insertInto('messages')
          .values({
            id: 'm-before',
            conversation_id: 'conv-before',
            author: 'person',
            body: 'from before',
            created_at: 1,
            client_id: 'before',
          })
          .execute();
      },
      async (server) => {
        const before = await call(server, 'GET', `${messenger()}/conversations`, { token: 'token-before' });
        expect(before.body).toHaveLength(1);
        expect(before.body[0]).not.toHaveProperty('team_seen_at');
        const stream = await fetch(`${server.url}${team()}/stream`, {
          headers: { authorization: `Bearer ${TEAM_TOKEN}`, 'last-event-id': '0' },
        });
        const read = await call(server, 'POST', `${team()}/conversations/conv-before/read`, { token: TEAM_TOKEN });
        expect(read.status).toBe(200);
        const after = await call(server, 'GET', `${messenger()}/conversations`, { token: 'token-before' });
        expect(after.body[0].team_seen_at).toBe(read.body.team_seen_at);
        // The stream's first event is the read: nothing was recorded before the upgrade.
        const reader = stream.body!.getReader();
        let text = '';
        while (!/^id: [^\n]*\nevent: [^\n]*\ndata: [^\n]*\n\n/m.test(text))
          text += new TextDecoder().decode((await reader.read()).value);
        await reader.cancel();
        expect(text).toMatch(/^id: 1\nevent: read\n/m);
      },
    );
  });

  it('0010 after 0011: a database that ran 0011 before 0010 existed starts, runs 0010 and finds its older messages', async () => {
    await upgradeFrom(
      '0009_conversation_team_side',
      async (db) => {
        // What a server built between the two migrations' arrival left behind.
        await migrations(BACKEND)['0011_team_stream']!.up(db);
        await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('0011_team_stream', ${new Date().toISOString()})`.execute(
          db,
        );
        await db
          .insertInto('people')
          .values({
            id: 'p-x',
            app_id: 'acme',
            role: 'lead',
            visitor_id: 'v-x',
            attributes: '{}',
            created_at: 1,
            updated_at: 1,
          })
          .execute();
        await db
          .insertInto('conversations')
          .values({
            id: 'conv-x',
            app_id: 'acme',
            person_id: 'p-x',
            state: 'open',
            created_at: 1,
            updated_at: 1,
            person_unread: 0,
          })
          .execute();
        await db
          .insertInto('messages')
          .values({
            id: 'm-x',
            conversation_id: 'conv-x',
            author: 'person',
            body: 'quixotic windmills',
            created_at: 1,
            client_id: 'x',
          })
          .execute();
      },
      async (server) => {
        const found = await call(server, 'GET', `${team()}/search?q=quixotic`, { token: TEAM_TOKEN });
        expect(found.status).toBe(200);
        expect(found.body.results.map((r: { conversation: { id: string } }) => r.conversation.id)).toEqual(['conv-x']);
      },
    );
  });

  it('0014: a session and the Last-Event-IDs from before the upgrade resume in order: what came after them, then what is new', async () => {
    await upgradeFrom(
      '0013_team_client_ids',
      async (db) => {
        await db
          .insertInto('people')
          .values({
            id: 'p-old',
            app_id: 'acme',
            role: 'lead',
            visitor_id: 'v-old',
            attributes: '{}',
            created_at: 1,
            updated_at: 1,
          })
          .execute();
        await db
          .insertInto('conversations')
          .values({
            id: 'conv-old',
            app_id: 'acme',
            person_id: 'p-old',
            state: 'open',
            created_at: 1,
            updated_at: 1,
            person_unread: 0,
          })
          .execute();
        const unread = (count: number) => JSON.stringify({ type: 'unread', unread_count: count });
        for (const count of [1, 2, 3]) {
          await db
            .insertInto('realtime_events')
            .values({ app_id: 'acme', person_id: 'p-old', payload: unread(count), created_at: 1 })
            .execute();
          await db
            .insertInto('team_events')
            .values({
              app_id: 'acme',
              payload: JSON.stringify({ type: 'read', conversation_id: 'conv-old', read_at: count, reader: 'person' }),
              created_at: 1,
            })
            .execute();
        }
        // Made when event 2 was the newest: its fresh stream starts after it.
        await db
          .insertInto('sessions')
          .values({
            token_hash: hashToken('token-old'),
            app_id: 'acme',
            person_id: 'p-old',
            created_at: 1,
            expires_at: Date.now() + 3_600_000,
            stream_from: 2,
          })
          .execute();
      },
      async (server) => {
        const visitor = { authorization: 'Bearer token-old' };
        const fresh = await openRawStream(`${server.url}${messenger()}/stream`, visitor);
        const resumed = await openRawStream(`${server.url}${messenger()}/stream`, { ...visitor, 'last-event-id': '1' });
        const teamResumed = await openRawStream(`${server.url}${team()}/stream`, {
          authorization: `Bearer ${TEAM_TOKEN}`,
          'last-event-id': '2',
        });
        try {
          const reply = await call(server, 'POST', `${team()}/conversations/conv-old/reply`, {
            token: TEAM_TOKEN,
            body: { body: 'after the upgrade' },
          });
          expect(reply.status).toBe(200);
          const kinds = (blocks: SseBlock[]) =>
            blocks.map((block) => (block.event === 'message' ? block.data.message.body : `${block.event} ${block.id}`));
          expect(kinds(await received(fresh, 2))).toEqual(['unread 3', 'after the upgrade']);
          expect(kinds(await received(resumed, 3))).toEqual(['unread 2', 'unread 3', 'after the upgrade']);
          expect(kinds(await received(teamResumed, 2))).toEqual(['read 3', 'after the upgrade']);
        } finally {
          for (const stream of [fresh, resumed, teamResumed]) stream.close();
        }
      },
    );
  });
});
