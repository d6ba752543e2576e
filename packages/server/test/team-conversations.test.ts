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
import { addTeammate } from './teammates-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const asTeam = { token: TEAM_TOKEN };
/** The id the shared team token's writes record: its built-in service teammate (store/teammates.ts). */
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
    const admin = await addTeammate(server, { role: 'admin' });
    const agent = await addTeammate(server, { role: 'agent', apps: ['acme'] });
    const assigned = await call(server, 'POST', `${team()}/conversations/${id}/assign`, {
      token: admin.token,
      body: { assignee_id: agent.id },
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assignee_id: agent.id, assigned_by: admin.id });
    expect(assigned.body.assigned_at).toEqual(expect.any(Number));
    const unassigned = await call(server, 'POST', `${team()}/conversations/${id}/assign`, {
      token: agent.token,
      body: { assignee_id: null },
    });
    expect(unassigned.body).toMatchObject({ assignee_id: null, assigned_by: agent.id });
  });

  it('refuses an assignee who is not an active teammate reaching the app, and a malformed body, writing nothing', async () => {
    const { id } = await startConversation();
    const elsewhere = await addTeammate(server, { role: 'agent', apps: ['another-app'] });
    const leaving = await addTeammate(server, { role: 'agent' });
    const admin = await addTeammate(server, { role: 'admin' });
    const deactivated = await call(server, 'POST', `/api/v1/teammates/${leaving.id}/deactivate`, {
      headers: await admin.sessionHeaders(),
    });
    expect(deactivated.status).toBe(200);
    for (const assignee_id of ['someone-else', elsewhere.id, leaving.id, TOKEN_ACTOR]) {
      const refused = await call(server, 'POST', `${team()}/conversations/${id}/assign`, {
        token: admin.token,
        body: { assignee_id },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.field).toBe('body.assignee_id');
    }
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

  it('filters by assignee (me, unassigned, all, an id) combined with the state, for each teammate', async () => {
    const app = 'filters';
    const ada = await addTeammate(server, { role: 'admin' });
    const alan = await addTeammate(server, { role: 'agent' });
    const adasOpen = await startConversation(app);
    const adasClosed = await startConversation(app);
    const alansOpen = await startConversation(app);
    const nobodysOpen = await startConversation(app);
    for (const [conversation, assignee] of [
      [adasOpen, ada],
      [adasClosed, ada],
      [alansOpen, alan],
    ] as const) {
      await call(server, 'POST', `${team(app)}/conversations/${conversation.id}/assign`, {
        token: ada.token,
        body: { assignee_id: assignee.id },
      });
    }
    await setState(adasClosed.id, { state: 'closed' }, app);
    const ids = async (token: string, query: string) => {
      const answer = await call(server, 'GET', `${team(app)}/conversations?${query}`, { token });
      expect(answer.status).toBe(200);
      return (answer.body.conversations as { id: string }[]).map((c) => c.id).sort();
    };
    const sorted = (...list: { id: string }[]) => list.map((c) => c.id).sort();
    expect(await ids(ada.token, 'assignee=me')).toEqual(sorted(adasOpen, adasClosed));
    expect(await ids(alan.token, 'assignee=me')).toEqual(sorted(alansOpen));
    expect(await ids(ada.token, 'assignee=me&state=open')).toEqual(sorted(adasOpen));
    expect(await ids(alan.token, `assignee=${ada.id}&state=closed`)).toEqual(sorted(adasClosed));
    expect(await ids(alan.token, 'assignee=unassigned')).toEqual(sorted(nobodysOpen));
    expect(await ids(alan.token, 'assignee=unassigned&state=closed')).toEqual([]);
    expect(await ids(alan.token, 'assignee=all')).toEqual(sorted(adasOpen, adasClosed, alansOpen, nobodysOpen));
    expect(await ids(ada.token, 'state=open')).toEqual(sorted(adasOpen, alansOpen, nobodysOpen));
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
      await call(server, 'POST', `${messenger()}/update`, { token: visitor.session.token, body: { attributes: {} } }),
      await call(server, 'POST', `${messenger()}/events`, {
        token: visitor.session.token,
        body: { events: [{ id: 'notes-e1', name: 'looked', created_at: 1 }] },
      }),
      await call(server, 'POST', `${messenger()}/conversations`, {
        token: visitor.session.token,
        body: { body: 'Another question', client_id: 'notes-secret-3' },
      }),
      await call(server, 'GET', `${messenger()}/conversations`, { token: visitor.session.token }),
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

describe('two teammates', () => {
  it('read state is per teammate: one reading leaves it unread for the other, and a note of one is new to the other', async () => {
    const app = 'two-reads';
    const ada = await addTeammate(server, { role: 'admin' });
    const alan = await addTeammate(server, { role: 'agent' });
    const { id } = await startConversation(app);
    const unreadFor = async (token: string) =>
      (await call(server, 'GET', `${team(app)}/conversations`, { token })).body.conversations.find(
        (c: { id: string }) => c.id === id,
      ).unread;
    expect([await unreadFor(ada.token), await unreadFor(alan.token)]).toEqual([true, true]);
    await call(server, 'POST', `${team(app)}/conversations/${id}/read`, { token: ada.token });
    expect([await unreadFor(ada.token), await unreadFor(alan.token)]).toEqual([false, true]);
    await call(server, 'POST', `${team(app)}/conversations/${id}/read`, { token: alan.token });
    expect([await unreadFor(ada.token), await unreadFor(alan.token)]).toEqual([false, false]);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const note = await call(server, 'POST', `${team(app)}/conversations/${id}/notes`, {
      token: alan.token,
      body: { body: 'I will call them' },
    });
    expect(note.body).toMatchObject({ author_id: alan.id, author_name: alan.name });
    expect([await unreadFor(ada.token), await unreadFor(alan.token)]).toEqual([true, false]);
  });

  it("a teammate's reply shows the visitor their name and avatar, records their id, and may not name another author", async () => {
    const admin = await addTeammate(server, { role: 'admin' });
    const grace = await addTeammate(server, { role: 'agent', name: 'Grace Hopper' });
    const avatar = 'https://cdn.example/grace.png';
    const changed = await call(server, 'PATCH', `/api/v1/teammates/${grace.id}`, {
      headers: await admin.sessionHeaders(),
      body: { avatar_url: avatar },
    });
    expect(changed.status).toBe(200);
    const { visitor, id } = await startConversation();

    const impostor = await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      token: grace.token,
      body: { body: 'Hi', author_name: 'The CEO' },
    });
    expect(impostor.status).toBe(400);
    expect(impostor.body.error.field).toBe('body.author_name');

    const reply = await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      token: grace.token,
      body: { body: 'Hi, Grace here' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ author: 'team', author_name: 'Grace Hopper', author_avatar_url: avatar });
    const seen = await call(server, 'GET', `${messenger()}/conversations/${id}`, { token: visitor.session.token });
    expect(
      seen.body.messages.map((m: { body: string; author_name?: string; author_avatar_url?: string }) => [
        m.body,
        m.author_name,
        m.author_avatar_url,
      ]),
    ).toEqual([
      ['Hello', undefined, undefined],
      ['Hi, Grace here', 'Grace Hopper', avatar],
    ]);
    const stored = await withDatabase(server, (db) =>
      db.selectFrom('messages').select(['author_id']).where('conversation_id', '=', id).orderBy('seq').execute(),
    );
    expect(stored.map((row) => row.author_id)).toEqual([null, grace.id]);
    const streamed = await withDatabase(server, (db) =>
      db
        .selectFrom('realtime_events')
        .select('payload')
        .where('person_id', '=', visitor.person.id)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow(),
    );
    expect(JSON.parse(streamed.payload).message).toMatchObject({
      author_name: 'Grace Hopper',
      author_avatar_url: avatar,
    });

    // State changes record who made them.
    const closed = await call(server, 'POST', `${team()}/conversations/${id}/close`, { token: grace.token });
    expect(closed.body).toMatchObject({ state: 'closed', state_changed_by: grace.id });
  });
});

describe('saved replies', () => {
  it('are created, listed by title a page at a time, changed and deleted by an admin, and read by every teammate, per app', async () => {
    const app = 'saved';
    const admin = await addTeammate(server, { role: 'admin' });
    const agent = await addTeammate(server, { role: 'agent' });
    const asAdmin = { token: admin.token };
    const titles = ['Refunds', 'Shipping', 'Greeting', 'Opening hours', 'Billing'];
    const created = [];
    for (const title of titles) {
      const answer = await call(server, 'POST', `${team(app)}/saved_replies`, {
        ...asAdmin,
        body: { title, body: `About ${title}` },
      });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ title, body: `About ${title}`, created_by: admin.id });
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
        { token: agent.token },
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
      ...asAdmin,
      body: { body: 'Refunds take 5 days' },
    });
    expect(changed.body).toMatchObject({ title: 'Refunds', body: 'Refunds take 5 days', updated_by: admin.id });
    const one = await call(server, 'GET', `${team(app)}/saved_replies/${refunds.id}`, asTeam);
    expect(one.body.body).toBe('Refunds take 5 days');
    expect((await call(server, 'GET', `${team('elsewhere')}/saved_replies/${refunds.id}`, asTeam)).status).toBe(404);
    expect((await call(server, 'GET', `${team('elsewhere')}/saved_replies`, asTeam)).body.saved_replies).toEqual([]);
    const deleted = await call(server, 'DELETE', `${team(app)}/saved_replies/${refunds.id}`, asAdmin);
    expect(deleted.status).toBe(204);
    expect((await call(server, 'GET', `${team(app)}/saved_replies/${refunds.id}`, asTeam)).status).toBe(404);
    expect((await call(server, 'DELETE', `${team(app)}/saved_replies/${refunds.id}`, asAdmin)).status).toBe(404);
  });

  it("an agent's writes, and the team token's, are refused with 403 and write nothing", async () => {
    const app = 'saved-agents';
    const admin = await addTeammate(server, { role: 'admin' });
    const agent = await addTeammate(server, { role: 'agent' });
    const created = await call(server, 'POST', `${team(app)}/saved_replies`, {
      token: admin.token,
      body: { title: 'Hello', body: 'Hello!' },
    });
    expect(created.status).toBe(201);
    for (const token of [agent.token, TEAM_TOKEN]) {
      const writes = [
        await call(server, 'POST', `${team(app)}/saved_replies`, { token, body: { title: 'Mine', body: 'x' } }),
        await call(server, 'PATCH', `${team(app)}/saved_replies/${created.body.id}`, {
          token,
          body: { body: 'changed' },
        }),
        await call(server, 'DELETE', `${team(app)}/saved_replies/${created.body.id}`, { token }),
      ];
      for (const answer of writes) {
        expect(answer.status).toBe(403);
        expect(answer.body.error.field).toBe('authorization');
      }
    }
    // By cookie too, with the page's own origin.
    const byCookie = await call(server, 'POST', `${team(app)}/saved_replies`, {
      headers: await agent.sessionHeaders(),
      body: { title: 'Mine', body: 'x' },
    });
    expect(byCookie.status).toBe(403);
    const list = await call(server, 'GET', `${team(app)}/saved_replies`, { token: agent.token });
    expect(list.body.saved_replies).toEqual([expect.objectContaining({ title: 'Hello', body: 'Hello!' })]);
  });

  it('refuse a missing title, an empty change and unknown fields; a visitor cannot reach them', async () => {
    const app = 'saved-bad';
    const admin = await addTeammate(server, { role: 'admin' });
    const asTeam = { token: admin.token };
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
