// The team's side of a conversation over real HTTP, on SQLite and PostgreSQL: states and the
// snooze that wakes by itself, assignment and its filters, internal notes (never a visitor's),
// per-teammate read state, saved replies, and cursor paging.
import { createSseParser, readSseStream } from '@confab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../src';
import { createStore } from '../src/store';
import { BACKEND } from './backend';
import {
  boot,
  call,
  messenger,
  startTestServer,
  TEAM_TOKEN,
  type TestServer,
  team,
  withDatabase,
} from './server-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const asTeam = { token: TEAM_TOKEN };
/** The id the shared team token's writes record (team-actor.ts). */
const TOKEN_ACTOR = 'team-token';

let conversations = 0;
async function startConversation(appId = 'acme', body = 'Hello') {
  const visitor = await boot(server, { app_id: appId });
  conversations++;
  const started = await call(server, 'POST', `${messenger(appId)}/conversations`, {
    token: visitor.session.token,
    body: { body, client_id: `tc-${conversations}` },
  });
  expect(started.status).toBe(200);
  return { visitor, id: started.body.conversation.id as string };
}

const setState = (id: string, body: object, appId = 'acme') =>
  call(server, 'POST', `${team(appId)}/conversations/${id}/state`, { ...asTeam, body });

describe('conversation states', () => {
  it('snoozing needs a future snoozed_until, which no other state takes: each refusal names the field and writes nothing', async () => {
    const { id } = await startConversation();
    const missing = await setState(id, { state: 'snoozed' });
    const past = await setState(id, { state: 'snoozed', snoozed_until: Date.now() - 1000 });
    const withClose = await setState(id, { state: 'closed', snoozed_until: Date.now() + 60_000 });
    const unknown = await setState(id, { state: 'pending' });
    for (const answer of [missing, past, withClose]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.field).toBe('body.snoozed_until');
    }
    expect(unknown.status).toBe(400);
    const thread = await call(server, 'GET', `${team()}/conversations/${id}`, asTeam);
    expect(thread.body.conversation).toMatchObject({ state: 'open' });
    expect(thread.body.conversation.state_changed_at).toBeUndefined();
  });

  it('a snoozed conversation is snoozed to the team (who, when, until) and open to the visitor, whose stream hears nothing of it', async () => {
    const { visitor, id } = await startConversation();
    const eventsBefore = await realtimeCount(visitor.person.id);
    const until = Date.now() + 3_600_000;
    const snoozed = await setState(id, { state: 'snoozed', snoozed_until: until });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body).toMatchObject({ state: 'snoozed', snoozed_until: until, state_changed_by: TOKEN_ACTOR });
    expect(snoozed.body.state_changed_at).toEqual(expect.any(Number));

    const own = await call(server, 'GET', `${messenger()}/conversations`, { token: visitor.session.token });
    expect(own.body.find((c: { id: string }) => c.id === id)).toMatchObject({ state: 'open' });
    expect(JSON.stringify(own.body)).not.toContain('snoozed');
    const thread = await call(server, 'GET', `${messenger()}/conversations/${id}`, { token: visitor.session.token });
    expect(thread.body.conversation.state).toBe('open');
    expect(await realtimeCount(visitor.person.id)).toBe(eventsBefore);

    // A team reply leaves the snooze alone; closing then reopening are the visitor's to see.
    await call(server, 'POST', `${team()}/conversations/${id}/reply`, { ...asTeam, body: { body: 'Looking into it' } });
    expect((await call(server, 'GET', `${team()}/conversations/${id}`, asTeam)).body.conversation.state).toBe(
      'snoozed',
    );
    // The reply's realtime event carries the conversation as the visitor sees it: open.
    const replyEvent = await withDatabase(server, (db) =>
      db
        .selectFrom('realtime_events')
        .select('payload')
        .where('person_id', '=', visitor.person.id)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow(),
    );
    expect(JSON.parse(replyEvent.payload)).toMatchObject({ type: 'message', conversation: { id, state: 'open' } });
    expect(replyEvent.payload).not.toContain('snooze');
    const closed = await setState(id, { state: 'closed' });
    expect(closed.body).toMatchObject({ state: 'closed', state_changed_by: TOKEN_ACTOR });
    expect(closed.body.snoozed_until).toBeUndefined();
    const reopened = await setState(id, { state: 'open' });
    expect(reopened.body.state).toBe('open');
  });

  it("a visitor's message reopens a snoozed conversation, recorded as nobody's change", async () => {
    const { visitor, id } = await startConversation();
    await setState(id, { state: 'snoozed', snoozed_until: Date.now() + 3_600_000 });
    const posted = await call(server, 'POST', `${messenger()}/conversations/${id}/messages`, {
      token: visitor.session.token,
      body: { body: 'Any news?', client_id: 'wake-by-message' },
    });
    expect(posted.status).toBe(200);
    const thread = await call(server, 'GET', `${team()}/conversations/${id}`, asTeam);
    expect(thread.body.conversation.state).toBe('open');
    expect(thread.body.conversation.snoozed_until).toBeUndefined();
    expect(thread.body.conversation.state_changed_by).toBeUndefined();
    const open = await call(server, 'GET', `${team()}/conversations?state=open&limit=100`, asTeam);
    expect(open.body.conversations.map((c: { id: string }) => c.id)).toContain(id);
  });

  it('a snooze whose time has come reads as open: the list and the thread wake it first', async () => {
    const { id } = await startConversation('wake-read');
    await setState(id, { state: 'snoozed', snoozed_until: Date.now() + 3_600_000 }, 'wake-read');
    const snoozedList = await call(server, 'GET', `${team('wake-read')}/conversations?state=snoozed`, asTeam);
    expect(snoozedList.body.conversations.map((c: { id: string }) => c.id)).toEqual([id]);
    // The hour passes (written straight into the database, as a clock cannot be waited for).
    await withDatabase(server, (db) =>
      db
        .updateTable('conversations')
        .set({ snoozed_until: Date.now() - 1 })
        .where('id', '=', id)
        .execute(),
    );
    const open = await call(server, 'GET', `${team('wake-read')}/conversations?state=open`, asTeam);
    expect(open.body.conversations.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(open.body.conversations[0]).toMatchObject({ state: 'open' });
    expect(open.body.conversations[0].state_changed_by).toBeUndefined();
    const stillSnoozed = await call(server, 'GET', `${team('wake-read')}/conversations?state=snoozed`, asTeam);
    expect(stillSnoozed.body.conversations).toEqual([]);
  });

  it('the sweep wakes each due conversation exactly once, however many stores (processes) sweep the database at once', async () => {
    const due = [await startConversation('sweep'), await startConversation('sweep')];
    const later = await startConversation('sweep');
    for (const { id } of [...due, later]) {
      await setState(id, { state: 'snoozed', snoozed_until: Date.now() + 3_600_000 }, 'sweep');
    }
    await withDatabase(server, (db) =>
      db
        .updateTable('conversations')
        .set({ snoozed_until: Date.now() - 1 })
        .where(
          'id',
          'in',
          due.map((d) => d.id),
        )
        .execute(),
    );
    // On PostgreSQL a second store on its own connections, as another process would have; SQLite is
    // one process, whose sweeps race within it.
    const other = BACKEND === 'postgres' ? openPostgres(server.config.db, { max: 2 }) : undefined;
    try {
      const otherStore = other ? createStore(other.db, () => {}) : server.store;
      const now = Date.now();
      const woken = await Promise.all([
        server.store.wakeSnoozed(now, 'sweep'),
        otherStore.wakeSnoozed(now, 'sweep'),
        server.store.wakeSnoozed(now, 'sweep'),
      ]);
      expect(woken.reduce((a, b) => a + b, 0)).toBe(2);
    } finally {
      await other?.close();
    }
    const states = await withDatabase(server, (db) =>
      db.selectFrom('conversations').select(['id', 'state']).where('app_id', '=', 'sweep').execute(),
    );
    expect(Object.fromEntries(states.map((s) => [s.id, s.state]))).toEqual({
      [due[0]!.id]: 'open',
      [due[1]!.id]: 'open',
      [later.id]: 'snoozed',
    });
  });
});

async function realtimeCount(personId: string): Promise<number> {
  const rows = await withDatabase(server, (db) =>
    db.selectFrom('realtime_events').select('id').where('person_id', '=', personId).execute(),
  );
  return rows.length;
}

describe('assignment', () => {
  it('assigns to a teammate who reaches the app, or to nobody; who and when are recorded', async () => {
    const { id } = await startConversation();
    const assigned = await call(server, 'POST', `${team()}/conversations/${id}/assign`, {
      ...asTeam,
      body: { assignee_id: TOKEN_ACTOR },
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assignee_id: TOKEN_ACTOR, assigned_by: TOKEN_ACTOR });
    expect(assigned.body.assigned_at).toEqual(expect.any(Number));
    const unassigned = await call(server, 'POST', `${team()}/conversations/${id}/assign`, {
      ...asTeam,
      body: { assignee_id: null },
    });
    expect(unassigned.body).toMatchObject({ assignee_id: null, assigned_by: TOKEN_ACTOR });
  });

  it('refuses an assignee who is not a teammate of the app, and a malformed body, writing nothing', async () => {
    const { id } = await startConversation();
    const stranger = await call(server, 'POST', `${team()}/conversations/${id}/assign`, {
      ...asTeam,
      body: { assignee_id: 'someone-else' },
    });
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.field).toBe('body.assignee_id');
    const missing = await call(server, 'POST', `${team()}/conversations/${id}/assign`, { ...asTeam, body: {} });
    expect(missing.status).toBe(400);
    const unknownConversation = await call(server, 'POST', `${team()}/conversations/nope/assign`, {
      ...asTeam,
      body: { assignee_id: null },
    });
    expect(unknownConversation.status).toBe(404);
    const thread = await call(server, 'GET', `${team()}/conversations/${id}`, asTeam);
    expect(thread.body.conversation.assignee_id).toBeNull();
    expect(thread.body.conversation.assigned_by).toBeUndefined();
  });

  it('filters by assignee (me, unassigned, all, an id) combined with the state', async () => {
    const app = 'filters';
    const mineOpen = await startConversation(app);
    const mineClosed = await startConversation(app);
    const nobodysOpen = await startConversation(app);
    for (const { id } of [mineOpen, mineClosed]) {
      await call(server, 'POST', `${team(app)}/conversations/${id}/assign`, {
        ...asTeam,
        body: { assignee_id: TOKEN_ACTOR },
      });
    }
    await setState(mineClosed.id, { state: 'closed' }, app);
    const ids = async (query: string) => {
      const answer = await call(server, 'GET', `${team(app)}/conversations?${query}`, asTeam);
      expect(answer.status).toBe(200);
      return (answer.body.conversations as { id: string }[]).map((c) => c.id).sort();
    };
    const sorted = (...list: { id: string }[]) => list.map((c) => c.id).sort();
    expect(await ids('assignee=me')).toEqual(sorted(mineOpen, mineClosed));
    expect(await ids('assignee=me&state=open')).toEqual(sorted(mineOpen));
    expect(await ids(`assignee=${TOKEN_ACTOR}&state=closed`)).toEqual(sorted(mineClosed));
    expect(await ids('assignee=unassigned')).toEqual(sorted(nobodysOpen));
    expect(await ids('assignee=unassigned&state=closed')).toEqual([]);
    expect(await ids('assignee=all')).toEqual(sorted(mineOpen, mineClosed, nobodysOpen));
    expect(await ids('state=open')).toEqual(sorted(mineOpen, nobodysOpen));
  });
});

describe('internal notes', () => {
  it('appear in the team thread between the messages, by time, marked as notes and signed by the teammate', async () => {
    const { visitor, id } = await startConversation('acme', 'My order is late');
    const note = await call(server, 'POST', `${team()}/conversations/${id}/notes`, {
      ...asTeam,
      body: { body: 'Customer since 2019, be kind' },
    });
    expect(note.status).toBe(200);
    expect(note.body).toMatchObject({ conversation_id: id, author_id: TOKEN_ACTOR, author_name: 'Acme Support' });
    await call(server, 'POST', `${messenger()}/conversations/${id}/messages`, {
      token: visitor.session.token,
      body: { body: 'Hello?', client_id: 'after-note' },
    });
    const thread = await call(server, 'GET', `${team()}/conversations/${id}`, asTeam);
    expect(thread.body.thread.map((e: { kind: string; body: string }) => [e.kind, e.body])).toEqual([
      ['message', 'My order is late'],
      ['note', 'Customer since 2019, be kind'],
      ['message', 'Hello?'],
    ]);
  });

  it('refuse an empty body and an unknown conversation, and a visitor cannot write one', async () => {
    const { visitor, id } = await startConversation();
    const empty = await call(server, 'POST', `${team()}/conversations/${id}/notes`, { ...asTeam, body: { body: ' ' } });
    expect(empty.status).toBe(400);
    const unknown = await call(server, 'POST', `${team()}/conversations/nope/notes`, {
      ...asTeam,
      body: { body: 'x' },
    });
    expect(unknown.status).toBe(404);
    const byVisitor = await call(server, 'POST', `${team()}/conversations/${id}/notes`, {
      token: visitor.session.token,
      body: { body: 'I am a note' },
    });
    expect(byVisitor.status).toBe(401);
    const otherApp = await call(server, 'POST', `${team('other')}/conversations/${id}/notes`, {
      ...asTeam,
      body: { body: 'wrong app' },
    });
    expect(otherApp.status).toBe(404);
  });

  it("never reach the visitor: not in any messenger answer, not on the stream, and the visitor's updated_at does not move", async () => {
    const secret = `internal-${Math.random().toString(36).slice(2)}`;
    const visitor = await boot(server);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'Hi', client_id: 'notes-secret' },
    });
    const id = started.body.conversation.id as string;
    await call(server, 'POST', `${team()}/conversations/${id}/reply`, { ...asTeam, body: { body: 'Hello!' } });
    const before = await call(server, 'GET', `${messenger()}/conversations/${id}`, { token: visitor.session.token });
    await call(server, 'POST', `${team()}/conversations/${id}/notes`, { ...asTeam, body: { body: secret } });
    await call(server, 'POST', `${team()}/conversations/${id}/notes`, { ...asTeam, body: { body: `${secret} again` } });

    const answers = [
      await call(server, 'POST', `${messenger()}/boot`, {
        body: {
          app_id: 'acme',
          visitor_id: visitor.person.visitor_id,
          device_id: 'device-notes',
          session_token: visitor.session.token,
          identity: {},
          attributes: {},
        },
      }),
      await call(server, 'GET', `${messenger()}/conversations`, { token: visitor.session.token }),
      await call(server, 'GET', `${messenger()}/conversations/${id}`, { token: visitor.session.token }),
      await call(server, 'POST', `${messenger()}/conversations/${id}/read`, { token: visitor.session.token }),
      await call(server, 'POST', `${messenger()}/conversations/${id}/messages`, {
        token: visitor.session.token,
        body: { body: 'Thanks', client_id: 'notes-secret-2' },
      }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toContain(secret);
    }
    const after = answers[2]!.body;
    expect(after.messages.map((m: { body: string }) => m.body)).toEqual(['Hi', 'Hello!']);
    expect(after.messages.some((m: { kind?: string }) => m.kind !== undefined)).toBe(false);
    expect(before.body.conversation.updated_at).toBeLessThanOrEqual(after.conversation.updated_at);

    // The visitor's stream, replayed from its very first event.
    const stored = await withDatabase(server, (db) =>
      db.selectFrom('realtime_events').select('payload').where('person_id', '=', visitor.person.id).execute(),
    );
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) expect(row.payload).not.toContain(secret);
    const streamed = await readStream(visitor.session.token, stored.length);
    expect(streamed).toHaveLength(stored.length);
    for (const data of streamed) expect(data).not.toContain(secret);
  });

  it('a note alone leaves the conversation as the visitor sees it untouched', async () => {
    const { visitor, id } = await startConversation();
    const before = await call(server, 'GET', `${messenger()}/conversations/${id}`, { token: visitor.session.token });
    const eventsBefore = await realtimeCount(visitor.person.id);
    await call(server, 'POST', `${team()}/conversations/${id}/notes`, { ...asTeam, body: { body: 'quiet' } });
    const after = await call(server, 'GET', `${messenger()}/conversations/${id}`, { token: visitor.session.token });
    expect(after.body).toEqual(before.body);
    expect(await realtimeCount(visitor.person.id)).toBe(eventsBefore);
  });
});

/** The data of the first `count` events of a session's stream, replayed from the start. */
async function readStream(token: string, count: number): Promise<string[]> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}${messenger()}/stream`, {
    headers: { authorization: `Bearer ${token}`, 'last-event-id': '0' },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const received: string[] = [];
  await readSseStream(response.body!, createSseParser(), (message) => {
    if (message.event === 'ping' || message.data === '') return;
    received.push(message.data);
    if (received.length === count) controller.abort();
  }).catch((error: unknown) => {
    if (!controller.signal.aborted) throw error;
  });
  return received;
}

describe('read state', () => {
  it('a conversation is unread until the teammate reads it, and unread again when the visitor writes', async () => {
    const app = 'reads';
    const { visitor, id } = await startConversation(app);
    const unread = async () =>
      (await call(server, 'GET', `${team(app)}/conversations`, asTeam)).body.conversations.find(
        (c: { id: string }) => c.id === id,
      ).unread;
    expect(await unread()).toBe(true);
    const read = await call(server, 'POST', `${team(app)}/conversations/${id}/read`, asTeam);
    expect(read.status).toBe(200);
    expect(read.body.unread).toBe(false);
    expect(await unread()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 2));
    await call(server, 'POST', `${messenger(app)}/conversations/${id}/messages`, {
      token: visitor.session.token,
      body: { body: 'more', client_id: 'reads-2' },
    });
    expect(await unread()).toBe(true);
    // The teammate's own writes do not leave it unread for them.
    await call(server, 'POST', `${team(app)}/conversations/${id}/reply`, { ...asTeam, body: { body: 'On it' } });
    expect(await unread()).toBe(false);
    const unknown = await call(server, 'POST', `${team(app)}/conversations/nope/read`, asTeam);
    expect(unknown.status).toBe(404);
  });
});

describe('replies record the teammate', () => {
  it("a reply stores the teammate's id beside the name shown to the visitor", async () => {
    const { visitor, id } = await startConversation();
    const reply = await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      ...asTeam,
      body: { body: 'Hi' },
    });
    expect(reply.body).toMatchObject({ author: 'team', author_name: 'Acme Support' });
    const row = await withDatabase(server, (db) =>
      db.selectFrom('messages').select(['author_id', 'author_name']).where('id', '=', reply.body.id).executeTakeFirst(),
    );
    expect(row).toEqual({ author_id: TOKEN_ACTOR, author_name: 'Acme Support' });
    const seen = await call(server, 'GET', `${messenger()}/conversations/${id}`, { token: visitor.session.token });
    expect(seen.body.messages.at(-1)).toMatchObject({ author: 'team', author_name: 'Acme Support' });
    expect(seen.body.messages.at(-1).author_id).toBeUndefined();
  });
});

describe('saved replies', () => {
  it('are created, read, listed by title a page at a time, changed and deleted, per app', async () => {
    const app = 'saved';
    const titles = ['Refunds', 'Shipping', 'Greeting', 'Opening hours', 'Billing'];
    const created = [];
    for (const title of titles) {
      const answer = await call(server, 'POST', `${team(app)}/saved_replies`, {
        ...asTeam,
        body: { title, body: `About ${title}` },
      });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ title, body: `About ${title}`, created_by: TOKEN_ACTOR });
      created.push(answer.body as { id: string; title: string });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await call(
        server,
        'GET',
        `${team(app)}/saved_replies?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        asTeam,
      );
      expect(answer.status).toBe(200);
      seen.push(...answer.body.saved_replies.map((r: { title: string }) => r.title));
      cursor = answer.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...titles].sort());

    const refunds = created[0]!;
    const changed = await call(server, 'PATCH', `${team(app)}/saved_replies/${refunds.id}`, {
      ...asTeam,
      body: { body: 'Refunds take 5 days' },
    });
    expect(changed.body).toMatchObject({ title: 'Refunds', body: 'Refunds take 5 days', updated_by: TOKEN_ACTOR });
    const one = await call(server, 'GET', `${team(app)}/saved_replies/${refunds.id}`, asTeam);
    expect(one.body.body).toBe('Refunds take 5 days');
    expect((await call(server, 'GET', `${team('elsewhere')}/saved_replies/${refunds.id}`, asTeam)).status).toBe(404);
    expect((await call(server, 'GET', `${team('elsewhere')}/saved_replies`, asTeam)).body.saved_replies).toEqual([]);
    const deleted = await call(server, 'DELETE', `${team(app)}/saved_replies/${refunds.id}`, asTeam);
    expect(deleted.status).toBe(204);
    expect((await call(server, 'GET', `${team(app)}/saved_replies/${refunds.id}`, asTeam)).status).toBe(404);
    expect((await call(server, 'DELETE', `${team(app)}/saved_replies/${refunds.id}`, asTeam)).status).toBe(404);
  });

  it('refuse a missing title, an empty change and unknown fields; a visitor cannot reach them', async () => {
    const app = 'saved-bad';
    const noTitle = await call(server, 'POST', `${team(app)}/saved_replies`, { ...asTeam, body: { body: 'x' } });
    const extra = await call(server, 'POST', `${team(app)}/saved_replies`, {
      ...asTeam,
      body: { title: 't', body: 'x', shared: true },
    });
    const created = await call(server, 'POST', `${team(app)}/saved_replies`, {
      ...asTeam,
      body: { title: 't', body: 'x' },
    });
    const emptyPatch = await call(server, 'PATCH', `${team(app)}/saved_replies/${created.body.id}`, {
      ...asTeam,
      body: {},
    });
    expect([noTitle.status, extra.status, emptyPatch.status]).toEqual([400, 400, 400]);
    const visitor = await boot(server, { app_id: app });
    const byVisitor = await call(server, 'GET', `${team(app)}/saved_replies`, { token: visitor.session.token });
    expect(byVisitor.status).toBe(401);
  });
});

describe('cursor paging', () => {
  it('pages the conversation list newest first, with no item twice or missed, however small the page', async () => {
    const app = 'paging';
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await startConversation(app)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const answer = await call(
        server,
        'GET',
        `${team(app)}/conversations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        asTeam,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...answer.body.conversations.map((c: { id: string }) => c.id));
      cursor = answer.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(ids));
    const whole = await call(server, 'GET', `${team(app)}/conversations`, asTeam);
    expect(whole.body.conversations.map((c: { id: string }) => c.id)).toEqual(seen);
    const times = whole.body.conversations.map((c: { activity_at: number }) => c.activity_at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(whole.body.next_cursor).toBeUndefined();
  });

  it('pages a long thread, messages and notes together, oldest first', async () => {
    const { visitor, id } = await startConversation('acme', 'm0');
    for (let i = 1; i <= 4; i++) {
      await call(server, 'POST', `${messenger()}/conversations/${id}/messages`, {
        token: visitor.session.token,
        body: { body: `m${i}`, client_id: `long-${i}` },
      });
      if (i % 2 === 0) {
        await call(server, 'POST', `${team()}/conversations/${id}/notes`, { ...asTeam, body: { body: `n${i}` } });
      }
    }
    const whole = await call(server, 'GET', `${team()}/conversations/${id}`, asTeam);
    const all = whole.body.thread.map((e: { body: string }) => e.body);
    expect(all).toHaveLength(7);
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const answer = await call(
          server,
          'GET',
          `${team()}/conversations/${id}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          asTeam,
        );
        expect(answer.status).toBe(200);
        seen.push(...answer.body.thread.map((e: { body: string }) => e.body));
        cursor = answer.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(all);
    }
  });

  it('refuses a cursor it did not hand out and a page size out of range, naming the parameter', async () => {
    const { id } = await startConversation();
    const forged = Buffer.from(JSON.stringify({ drop: 'table' })).toString('base64url');
    for (const path of [
      `${team()}/conversations?cursor=${forged}`,
      `${team()}/conversations?cursor=not-base64-json`,
      `${team()}/conversations/${id}?cursor=${Buffer.from('[1,"sideways",2]').toString('base64url')}`,
      `${team()}/saved_replies?cursor=${Buffer.from('[1,2]').toString('base64url')}`,
    ]) {
      const answer = await call(server, 'GET', path, asTeam);
      expect(answer.status).toBe(400);
      expect(answer.body.error.field).toBe('cursor');
    }
    for (const limit of ['0', '101', 'ten']) {
      const answer = await call(server, 'GET', `${team()}/conversations?limit=${limit}`, asTeam);
      expect(answer.status).toBe(400);
    }
  });
});
