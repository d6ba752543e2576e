// Writes that race: many at once on one person, conversation or teammate, each checked for what a
// one-at-a-time run guarantees (one person per identity, no lost attribute, a client id stored
// once, no 500). The store runs without a global write lock, so on PostgreSQL (`server-postgres`)
// its transactions interleave under READ COMMITTED; on SQLite they still run one at a time, and
// the same answers hold.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootRequest } from '@confab/core/protocol';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrations';
import { isPostgresUrl, openPostgres } from '../src/db/postgres';
import type { Database } from '../src/db/schema';
import { openSqlite } from '../src/db/sqlite';
import { DEFAULT_RATE_LIMITS, memoryRateLimiters, postgresRateLimiters } from '../src/rate-limits';
import { createStore, type SessionRecord, type Store } from '../src/store';
import { documentTerms } from '../src/store/search-terms';
import { BACKEND, testDatabase } from './backend';

/** Writes started at once in each round, and rounds per test (a race lost once in a while still shows). */
const ATTEMPTS = 30;
const ROUNDS = 3;
const APP = 'acme';
const NOW = 1_800_000_000_000;
const AUTHOR = { id: 'teammate-1', name: 'Tess' };

let store: Store;
let db: Kysely<Database>;
let pool: pg.Pool | undefined;
let close: () => Promise<void>;

beforeEach(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'confab-races-'));
  const database = await testDatabase(folder);
  // A pool as large as a round, so every write of a round holds a connection of its own.
  const postgres = isPostgresUrl(database.db) ? openPostgres(database.db, { max: ATTEMPTS + 5 }) : undefined;
  const opened = postgres ?? openSqlite(database.db);
  await migrate(opened.db, BACKEND);
  db = opened.db;
  pool = postgres?.pool;
  // Nothing serializes the writes but what the store itself locks.
  store = createStore(db, () => {});
  close = async () => {
    await opened.close();
    await database.drop();
    rmSync(folder, { recursive: true, force: true });
  };
});

afterEach(() => close());

/** `ATTEMPTS` calls of `write` started together; every one must succeed. */
async function together<T>(write: (i: number) => Promise<T>, attempts = ATTEMPTS): Promise<T[]> {
  const results = await Promise.allSettled(Array.from({ length: attempts }, (_, i) => write(i)));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  expect(failed, 'writes that failed').toEqual([]);
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

let visitors = 0;
function bootRequest(overrides: Partial<BootRequest> = {}): BootRequest {
  visitors++;
  return {
    app_id: APP,
    visitor_id: `visitor-${visitors}`,
    device_id: `device-${visitors}`,
    identity: {},
    attributes: {},
    ...overrides,
  };
}

async function sessionOf(token: string): Promise<SessionRecord> {
  return (await store.session(APP, token, NOW))!;
}

async function lead(): Promise<{ id: string; token: string; session: SessionRecord }> {
  const booted = await store.boot(bootRequest(), NOW);
  return { id: booted.person.id, token: booted.token, session: await sessionOf(booted.token) };
}

async function conversationOf(session: SessionRecord, clientId = `start-${Math.random()}`) {
  return (await store.startConversation(session, 'hello', clientId, NOW)).conversation.id;
}

/** A lead with `count` conversations of theirs. */
async function leadWithConversations(count: number) {
  const visitor = await lead();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await conversationOf(visitor.session));
  return { visitor, ids };
}

async function teamEvents(conversationId: string) {
  const rows = await db.selectFrom('team_events').select(['id', 'payload']).orderBy('id').execute();
  return rows
    .map((row) => JSON.parse(row.payload) as { type: string; conversation_id?: string; state?: string })
    .filter((event) => event.conversation_id === conversationId);
}

describe('people: one person per identity', () => {
  it('boots naming one new user_id make one user, and every boot answers as them', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const booted = await together(() => store.boot(bootRequest({ identity: { user_id: `u-${round}` } }), NOW));
      expect(new Set(booted.map((b) => b.person.id)).size).toBe(1);
      const users = await db.selectFrom('people').select('id').where('user_id', '=', `u-${round}`).execute();
      expect(users).toHaveLength(1);
    }
  });

  it('boots naming one new email make one user', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const email = `ada-${round}@example.com`;
      const booted = await together(() => store.boot(bootRequest({ identity: { email } }), NOW));
      expect(new Set(booted.map((b) => b.person.id)).size).toBe(1);
      expect(await db.selectFrom('people').select('id').where('email', '=', email).execute()).toHaveLength(1);
    }
  });

  it('boots of one new browser make one lead', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const browser = bootRequest();
      const booted = await together(() => store.boot({ ...browser }, NOW));
      expect(new Set(booted.map((b) => b.person.id)).size).toBe(1);
      const leads = await db.selectFrom('people').select('id').where('visitor_id', '=', browser.visitor_id).execute();
      expect(leads).toHaveLength(1);
    }
  });

  it('leads on many devices logging in as one new user at once become that one user', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const leads = await Promise.all(Array.from({ length: ATTEMPTS }, () => lead()));
      for (const { session } of leads)
        await store.trackEvents(session, [{ id: 'e', name: 'visited', created_at: NOW }], NOW);
      const answers = await together((i) =>
        store.update(leads[i]!.session, { identity: { user_id: `merged-${round}` }, attributes: {} }, NOW),
      );
      const users = await db.selectFrom('people').select('id').where('user_id', '=', `merged-${round}`).execute();
      expect(users).toHaveLength(1);
      const userId = users[0]!.id;
      expect(new Set(answers.map((a) => a.person.id))).toEqual(new Set([userId]));
      for (const { token } of leads) expect((await sessionOf(token)).person_id).toBe(userId);
      const left = await db
        .selectFrom('people')
        .select('id')
        .where(
          'id',
          'in',
          leads.map((l) => l.id),
        )
        .where('role', '=', 'lead')
        .execute();
      expect(left).toEqual([]);
    }
  });
});

describe('people: a lead logging in while its session writes', () => {
  it('loses none of what the lead writes meanwhile, and every write lands on the user', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const user = await store.boot(bootRequest({ identity: { user_id: `existing-${round}` } }), NOW);
      const visitor = await lead();
      const conversationId = await conversationOf(visitor.session);
      const [login, ...writes] = await together<unknown>((i) => {
        if (i === 0)
          return store.update(visitor.session, { identity: { user_id: `existing-${round}` }, attributes: {} }, NOW);
        if (i % 3 === 1)
          return store.trackEvents(visitor.session, [{ id: `e-${i}`, name: 'clicked', created_at: NOW }], NOW);
        if (i % 3 === 2) return store.postMessage(visitor.session, conversationId, `message ${i}`, `m-${i}`, NOW);
        return store.startConversation(visitor.session, `start ${i}`, `s-${i}`, NOW);
      });
      expect(writes).toHaveLength(ATTEMPTS - 1);
      expect((login as { person: { id: string } }).person.id).toBe(user.person.id);
      for (const table of ['events', 'conversations', 'page_views', 'sessions', 'realtime_events'] as const) {
        const orphans = await db.selectFrom(table).select('person_id').where('person_id', '=', visitor.id).execute();
        expect(orphans, table).toEqual([]);
      }
      const events = await db.selectFrom('events').select('id').where('person_id', '=', user.person.id).execute();
      expect(events).toHaveLength(Array.from({ length: ATTEMPTS }, (_, i) => i).filter((i) => i % 3 === 1).length);
    }
  });

  it("moves what the lead's browser opens meanwhile, and that browser then boots as a new lead", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const user = await store.boot(bootRequest({ identity: { user_id: `device-${round}` } }), NOW);
      const browser = bootRequest();
      const first = await store.boot(browser, NOW);
      const session = await sessionOf(first.token);
      const [, ...boots] = await together<{ person: { id: string } }>((i) =>
        i === 0
          ? store.update(session, { identity: { user_id: `device-${round}` }, attributes: {} }, NOW)
          : store.boot({ ...browser, page: { url: `https://shop.example/${i}` } }, NOW),
      );
      for (const table of ['events', 'conversations', 'page_views', 'sessions', 'realtime_events'] as const) {
        const orphans = await db
          .selectFrom(table)
          .select('person_id')
          .where('person_id', '=', first.person.id)
          .execute();
        expect(orphans, table).toEqual([]);
      }
      // Before the login: the lead, whose pages are the user's now; after it: a new lead.
      const after = new Set(boots.map((b) => b.person.id).filter((id) => id !== first.person.id));
      expect(after.has(user.person.id)).toBe(false);
      expect(after.size).toBeLessThanOrEqual(1);
    }
  });

  it('logs in through one of its sessions when two log in as two users at once; the other has ended', async () => {
    for (let round = 0; round < ROUNDS * 3; round++) {
      const browser = bootRequest();
      const tokens = [(await store.boot(browser, NOW)).token, (await store.boot(browser, NOW)).token];
      const sessions = await Promise.all(tokens.map(sessionOf));
      const results = await Promise.allSettled(
        sessions.map((session, i) =>
          store.update(session, { identity: { user_id: `two-${round}-${i}` }, attributes: {} }, NOW),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      expect(refused).toEqual([expect.stringMatching(/^SessionEndedError/)]);
    }
  });

  it('keeps every custom attribute that updates at once set on one person', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const visitor = await lead();
      await together((i) =>
        store.update(visitor.session, { attributes: { custom_attributes: { [`key_${i}`]: i } } }, NOW),
      );
      const row = await db
        .selectFrom('people')
        .select('attributes')
        .where('id', '=', visitor.id)
        .executeTakeFirstOrThrow();
      const custom = (JSON.parse(row.attributes) as { custom_attributes?: object }).custom_attributes ?? {};
      expect(Object.keys(custom)).toHaveLength(ATTEMPTS);
    }
  });

  it('keeps what a user updates while a lead logs in as them', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const user = await store.boot(bootRequest({ identity: { user_id: `joined-${round}` } }), NOW);
      const userSession = await sessionOf(user.token);
      const leads = await Promise.all(Array.from({ length: ATTEMPTS / 2 }, () => lead()));
      await together((i) =>
        i % 2 === 0
          ? store.update(
              leads[i / 2]!.session,
              { identity: { user_id: `joined-${round}` }, attributes: { custom_attributes: { [`lead_${i}`]: i } } },
              NOW,
            )
          : store.update(userSession, { attributes: { custom_attributes: { [`user_${i}`]: i } } }, NOW),
      );
      const row = await db
        .selectFrom('people')
        .select('attributes')
        .where('id', '=', user.person.id)
        .executeTakeFirstOrThrow();
      const custom = (JSON.parse(row.attributes) as { custom_attributes?: object }).custom_attributes ?? {};
      expect(Object.keys(custom)).toHaveLength(ATTEMPTS);
    }
  });
});

describe('conversations: a client id is stored once', () => {
  it('starts retried at once make one conversation', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const visitor = await lead();
      const started = await together(() => store.startConversation(visitor.session, 'hi', `start-${round}`, NOW));
      expect(new Set(started.map((s) => s.conversation.id)).size).toBe(1);
      const rows = await db.selectFrom('conversations').select('id').where('person_id', '=', visitor.id).execute();
      expect(rows).toHaveLength(1);
    }
  });

  it("a visitor's message retried at once is stored once", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const visitor = await lead();
      const conversationId = await conversationOf(visitor.session);
      const posted = await together(() =>
        store.postMessage(visitor.session, conversationId, 'again', `retry-${round}`, NOW),
      );
      expect(new Set(posted.map((m) => m.id)).size).toBe(1);
    }
  });

  it("a teammate's reply and note retried at once are stored once", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const visitor = await lead();
      const conversationId = await conversationOf(visitor.session);
      const answers = await together<{ id: string } | 'client_id_reused'>((i) =>
        i % 2 === 0
          ? store.reply(APP, conversationId, 'on it', AUTHOR, NOW, `reply-${round}`)
          : store.addNote(APP, conversationId, 'noted', AUTHOR, NOW, `note-${round}`),
      );
      const ids = answers.map((a) => (typeof a === 'string' ? a : a.id));
      expect(new Set(ids).size).toBe(2);
      const messages = await db
        .selectFrom('messages')
        .select('id')
        .where('conversation_id', '=', conversationId)
        .where('author', '=', 'team')
        .execute();
      expect(messages).toHaveLength(1);
      // The visitor is told of one unread reply, not one per attempt.
      const row = await db
        .selectFrom('conversations')
        .select('person_unread')
        .where('id', '=', conversationId)
        .executeTakeFirstOrThrow();
      expect(Number(row.person_unread)).toBe(1);
    }
  });
});

describe('conversations: decisions on what another write just changed', () => {
  it("a visitor's message that lands after the team closes the conversation reopens it", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { visitor, ids } = await leadWithConversations(ATTEMPTS / 2);
      await together<unknown>((i) =>
        i % 2 === 0
          ? store.postMessage(visitor.session, ids[i >> 1]!, 'still there?', `late-${i}`, NOW)
          : store.setState(APP, ids[i >> 1]!, { state: 'closed' }, AUTHOR.id, NOW),
      );
      for (const id of ids) {
        const { state } = await db
          .selectFrom('conversations')
          .select('state')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const events = await teamEvents(id);
        const last = events[events.length - 1]!;
        // Closed only when the close came last; a message after it would have reopened it.
        if (state === 'closed') expect(last).toMatchObject({ type: 'state', state: 'closed' });
        else expect(events.some((e) => e.type === 'state' && e.state === 'open')).toBe(true);
      }
    }
  });

  it('closing, assigning and reading one conversation at once are each written and announced once', async () => {
    const created = await store.createTeammate(
      { email: 'agent@example.com', name: 'Agent', role: 'agent', apps: ['*'] },
      NOW,
    );
    const agent = created!.teammate.id;
    for (let round = 0; round < ROUNDS; round++) {
      const visitor = await lead();
      const conversationId = await conversationOf(visitor.session);
      await together<unknown>((i) =>
        i % 3 === 0
          ? store.setState(APP, conversationId, { state: 'closed' }, AUTHOR.id, NOW + i)
          : i % 3 === 1
            ? store.assign(APP, conversationId, agent, AUTHOR.id, NOW + i)
            : store.markTeamRead(APP, conversationId, AUTHOR.id, NOW + i),
      );
      const events = await teamEvents(conversationId);
      expect(events.filter((e) => e.type === 'state')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'assignment')).toHaveLength(1);
      const seen = (
        await db.selectFrom('realtime_events').select('payload').where('person_id', '=', visitor.id).execute()
      )
        .map((row) => JSON.parse(row.payload) as { type: string })
        .filter((event) => event.type === 'seen');
      expect(seen).toHaveLength(1);
    }
  });
});

describe("the visitor's unread count", () => {
  it('is the total in the newest event when replies to many conversations arrive at once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { visitor, ids } = await leadWithConversations(ATTEMPTS / 2);
      await together<unknown>((i) =>
        i % 2 === 0
          ? store.reply(APP, ids[i >> 1]!, `answer ${i}`, AUTHOR, NOW)
          : store.postMessage(visitor.session, ids[i >> 1]!, `more ${i}`, `more-${i}`, NOW),
      );
      const events = await db
        .selectFrom('realtime_events')
        .select('payload')
        .where('person_id', '=', visitor.id)
        .orderBy('id', 'desc')
        .limit(1)
        .execute();
      expect((JSON.parse(events[0]!.payload) as { unread_count: number }).unread_count).toBe(ATTEMPTS / 2);
    }
  });
});

describe('teammates', () => {
  it('invites of one email at once make one teammate; the others are told it is taken', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const email = `new-${round}@example.com`;
      const answers = await together(() =>
        store.createTeammate({ email, name: 'New', role: 'agent', apps: [APP] }, NOW),
      );
      expect(answers.filter((a) => a !== null)).toHaveLength(1);
    }
  });

  it("changes of a teammate's apps at once leave one of them, and one live password link", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const created = await store.createTeammate(
        { email: `apps-${round}@example.com`, name: 'Apps', role: 'agent', apps: [APP] },
        NOW,
      );
      const id = created!.teammate.id;
      await together<unknown>((i) =>
        i % 2 === 0 ? store.updateTeammate(id, { apps: [`app-${i}`] }, NOW) : store.createPasswordLink(id, NOW),
      );
      expect((await store.teammate(id))!.apps).toHaveLength(1);
      const live = await db
        .selectFrom('teammate_password_links')
        .select('token_hash')
        .where('teammate_id', '=', id)
        .where('used_at', 'is', null)
        .execute();
      expect(live).toHaveLength(1);
    }
  });
});

describe('search index', () => {
  it('stays in step when many writes and a backlog are indexed at once', async () => {
    const people = await Promise.all(
      Array.from({ length: ATTEMPTS }, (_, i) => store.boot(bootRequest({ attributes: { name: `First${i}` } }), NOW)),
    );
    const sessions = await Promise.all(people.map((p) => sessionOf(p.token)));
    // Messages to index before the contacts: the longer an indexing takes, the more writes land in it.
    for (const session of sessions) {
      const conversationId = await conversationOf(session);
      for (let m = 0; m < 10; m++) await store.postMessage(session, conversationId, `words ${m}`, `m-${m}`, NOW);
    }
    for (let round = 0; round < ROUNDS; round++) {
      // What a migration hands over: every message and contact pending at once, committed, for
      // whoever writes next.
      for (const [table, kind] of [
        ['messages', 'message'],
        ['people', 'contact'],
      ] as const)
        await db
          .insertInto('search_pending')
          .columns(['kind', 'source_id'])
          .expression(db.selectFrom(table).select((eb) => [eb.val(kind).as('kind'), 'id']))
          .execute();
      await together(async (i) => {
        if (i % 3 === 0) return store.indexPendingSearch();
        await store.update(sessions[i]!, { attributes: { name: `Renamed${round}x${i}` } }, NOW);
      });
      const rows = await db.selectFrom('people').select(['id', 'name', 'email', 'user_id']).execute();
      const documents = await db
        .selectFrom('search_documents')
        .select(['source_id', 'terms'])
        .where('kind', '=', 'contact')
        .execute();
      const terms = new Map(documents.map((d) => [d.source_id, d.terms]));
      for (const row of rows)
        expect(terms.get(row.id), row.name ?? '').toBe(documentTerms(row.name, row.email, row.user_id));
      expect(await db.selectFrom('search_pending').selectAll().execute()).toEqual([]);
    }
  });
});

describe('a burst of every kind of write', () => {
  it('on a few people and conversations fails only as a one-at-a-time run could', async () => {
    const created = await store.createTeammate(
      { email: 'mixed@example.com', name: 'M', role: 'agent', apps: ['*'] },
      NOW,
    );
    const agent = { id: created!.teammate.id, name: 'M' };
    const refused: string[] = [];
    for (let round = 0; round < ROUNDS * 2; round++) {
      const userId = `mixed-${round}`;
      const user = await store.boot(bootRequest({ identity: { user_id: userId } }), NOW);
      const userSession = await sessionOf(user.token);
      const leads = await Promise.all(
        Array.from({ length: 3 }, async () => {
          const browser = bootRequest();
          const booted = await store.boot(browser, NOW);
          const session = await sessionOf(booted.token);
          const ids = [await conversationOf(session), await conversationOf(session)];
          return { browser, token: booted.token, session, ids };
        }),
      );
      const writes = Array.from({ length: ATTEMPTS + 10 }, (_, i) => {
        const { browser, token, session, ids } = leads[i % 3]!;
        const id = ids[(i >> 2) % 2]!;
        const kinds = [
          () => store.update(session, { attributes: { custom_attributes: { [`k${i}`]: i } } }, NOW),
          () => store.trackEvents(session, [{ id: `e${i}`, name: 'clicked', created_at: NOW }], NOW),
          () => store.postMessage(session, id, 'more', `m${i}`, NOW),
          () => store.reply(APP, id, 'answer', agent, NOW + i, `r${i}`),
          () => store.setState(APP, id, { state: i % 2 ? 'closed' : 'open' }, agent.id, NOW + i),
          () => store.assign(APP, id, i % 2 ? agent.id : null, agent.id, NOW + i),
          () => store.markRead(session, id, NOW),
          () => store.markTeamRead(APP, id, agent.id, NOW + i),
          // Logins: into the existing user, or as a new one, through the session or the device.
          () =>
            store.update(
              session,
              { identity: { user_id: i % 2 ? userId : `new-${round}-${i % 3}` }, attributes: {} },
              NOW,
            ),
          () => store.boot({ ...browser, identity: { user_id: userId } }, NOW),
          () => store.boot({ ...browser, session_token: token }, NOW),
          () => store.update(userSession, { attributes: { custom_attributes: { [`u${i}`]: i } } }, NOW),
        ];
        return kinds[(i * 7 + round) % kinds.length]!;
      });
      const results = await Promise.allSettled(writes.map((write) => write()));
      for (const r of results) if (r.status === 'rejected') refused.push(String(r.reason));
    }
    // A session a login ended, or one that is a user now and names another: answers a serial run gives too.
    expect(refused.filter((reason) => !/^(SessionEndedError|IdentityConflictError)/.test(reason))).toEqual([]);
  });
});

describe('rate limits', () => {
  it('let through exactly the allowance when requests of one key arrive at once', async () => {
    const limits = { ...DEFAULT_RATE_LIMITS, perIp: 10 };
    // One atomic upsert per request on PostgreSQL (rate-limiter-flexible's): no read then write.
    const limiters = pool ? postgresRateLimiters(limits, pool) : memoryRateLimiters(limits);
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.allSettled(
        Array.from({ length: ATTEMPTS }, () => limiters.perIp.consume(`10.0.0.${round}`)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    }
  });
});
