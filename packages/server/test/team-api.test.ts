import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  boot,
  call,
  messenger,
  startTestServer,
  TEAM_TOKEN,
  type TestServer,
  tableCounts,
  team,
  withDatabase,
} from './server-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('team API', () => {
  it('refuses calls without the team token, or with a session token', async () => {
    const visitor = await boot(server);
    const none = await call(server, 'GET', `${team()}/conversations`);
    const wrong = await call(server, 'GET', `${team()}/conversations`, { token: visitor.session.token });
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect(none.body.error.message).toMatch(/team token/);
  });

  it('finds contacts by user_id, email or visitor id, with attributes, events and page views', async () => {
    const userId = `team-u-${Date.now()}`;
    const visitor = await boot(server, {
      identity: { user_id: userId, email: 'grace@example.com' },
      attributes: { name: 'Grace', custom_attributes: { plan: 'pro' } },
      page: { url: 'https://shop.example/a' },
    });
    await call(server, 'POST', `${messenger()}/events`, {
      token: visitor.session.token,
      body: { events: [{ id: 'team-e1', name: 'purchased', created_at: 10, metadata: { amount: 12.5 } }] },
    });
    const byUserId = await call(server, 'GET', `${team()}/contacts?user_id=${userId}`, { token: TEAM_TOKEN });
    const byEmail = await call(server, 'GET', `${team()}/contacts?email=grace@example.com`, { token: TEAM_TOKEN });
    const byVisitor = await call(server, 'GET', `${team()}/contacts?visitor_id=${visitor.person.visitor_id}`, {
      token: TEAM_TOKEN,
    });
    for (const answer of [byUserId, byEmail, byVisitor]) {
      expect(answer.body.contacts.map((c: { id: string }) => c.id)).toContain(visitor.person.id);
    }
    const contact = await call(server, 'GET', `${team()}/contacts/${visitor.person.id}`, { token: TEAM_TOKEN });
    expect(contact.body).toMatchObject({
      role: 'user',
      user_id: userId,
      name: 'Grace',
      attributes: { custom_attributes: { plan: 'pro' } },
    });
    const events = await call(server, 'GET', `${team()}/contacts/${visitor.person.id}/events`, { token: TEAM_TOKEN });
    expect(events.body.events).toEqual([
      expect.objectContaining({ id: 'team-e1', name: 'purchased', metadata: { amount: 12.5 } }),
    ]);
    const pages = await call(server, 'GET', `${team()}/contacts/${visitor.person.id}/page_views`, {
      token: TEAM_TOKEN,
    });
    expect(pages.body.page_views.map((p: { url: string }) => p.url)).toEqual(['https://shop.example/a']);
  });

  it('a contact search must name what to search by; an unknown contact is 404', async () => {
    const none = await call(server, 'GET', `${team()}/contacts`, { token: TEAM_TOKEN });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/user_id=, \?email= or \?visitor_id=/);
    const unknown = await call(server, 'GET', `${team()}/contacts/nobody`, { token: TEAM_TOKEN });
    expect(unknown.status).toBe(404);
    const otherApp = await call(server, 'GET', `${team('other')}/contacts?email=grace@example.com`, {
      token: TEAM_TOKEN,
    });
    expect(otherApp.body.contacts).toEqual([]);
  });

  it('lists conversations, replies, closes; a reply to a closed conversation reopens it', async () => {
    const visitor = await boot(server, { attributes: { name: 'Lin' } });
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'Order 123 is late', client_id: 't1' },
    });
    const id = started.body.conversation.id as string;
    const open = await call(server, 'GET', `${team()}/conversations?state=open`, { token: TEAM_TOKEN });
    expect(open.body.conversations.find((c: { id: string }) => c.id === id)).toMatchObject({
      contact: { id: visitor.person.id, name: 'Lin', role: 'lead' },
    });

    const reply = await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'On its way!', author_name: 'Sam' },
    });
    expect(reply.body).toMatchObject({ author: 'team', author_name: 'Sam', body: 'On its way!' });
    const closed = await call(server, 'POST', `${team()}/conversations/${id}/close`, { token: TEAM_TOKEN });
    expect(closed.body.state).toBe('closed');
    const closedList = await call(server, 'GET', `${team()}/conversations?state=closed`, { token: TEAM_TOKEN });
    expect(closedList.body.conversations.map((c: { id: string }) => c.id)).toContain(id);

    await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'One more thing' },
    });
    const thread = await call(server, 'GET', `${team()}/conversations/${id}`, { token: TEAM_TOKEN });
    expect(thread.body.conversation.state).toBe('open');
    expect(thread.body.thread.map((m: { body: string; author_name?: string }) => [m.body, m.author_name])).toEqual([
      ['Order 123 is late', undefined],
      ['On its way!', 'Sam'],
      ['One more thing', 'Acme Support'],
    ]);
  });

  it("a visitor's message to a closed conversation reopens it: state, updated_at, the open list and the stream", async () => {
    const visitor = await boot(server);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'Still broken', client_id: 'reopen-1' },
    });
    const id = started.body.conversation.id as string;
    const closed = await call(server, 'POST', `${team()}/conversations/${id}/close`, { token: TEAM_TOKEN });
    expect(closed.body.state).toBe('closed');
    await new Promise((resolve) => setTimeout(resolve, 5));

    const message = await call(server, 'POST', `${messenger()}/conversations/${id}/messages`, {
      token: visitor.session.token,
      body: { body: 'Hello? It is still broken', client_id: 'reopen-2' },
    });
    expect(message.status).toBe(200);
    const thread = await call(server, 'GET', `${team()}/conversations/${id}`, { token: TEAM_TOKEN });
    expect(thread.body.conversation.state).toBe('open');
    expect(thread.body.conversation.updated_at).toBeGreaterThan(closed.body.updated_at);
    const open = await call(server, 'GET', `${team()}/conversations?state=open`, { token: TEAM_TOKEN });
    expect(open.body.conversations.map((c: { id: string }) => c.id)).toContain(id);
    const own = await call(server, 'GET', `${messenger()}/conversations`, { token: visitor.session.token });
    expect(own.body.find((c: { id: string }) => c.id === id)?.state).toBe('open');
    // The realtime event of the message carries the reopened conversation.
    const news = await withDatabase(server, (db) =>
      db
        .selectFrom('realtime_events')
        .select('payload')
        .where('person_id', '=', visitor.person.id)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow(),
    );
    expect(JSON.parse(news.payload)).toMatchObject({
      type: 'message',
      message: { body: 'Hello? It is still broken' },
      conversation: { id, state: 'open' },
    });
  });

  it('closing a closed conversation changes nothing: the same answer, no new realtime event', async () => {
    const visitor = await boot(server);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'close me twice', client_id: 'twice' },
    });
    const id = started.body.conversation.id as string;
    const first = await call(server, 'POST', `${team()}/conversations/${id}/close`, { token: TEAM_TOKEN });
    expect(first.body.state).toBe('closed');
    const before = await tableCounts(server);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await call(server, 'POST', `${team()}/conversations/${id}/close`, { token: TEAM_TOKEN });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await tableCounts(server)).toEqual(before);
  });

  it('bad replies get a 4xx naming the field, and nothing is written', async () => {
    const visitor = await boot(server);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'hi', client_id: 't2' },
    });
    const id = started.body.conversation.id as string;
    const before = await tableCounts(server);
    const empty = await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      token: TEAM_TOKEN,
      body: { body: '' },
    });
    const extra = await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'x', html: '<b>x</b>' },
    });
    const missing = await call(server, 'POST', `${team()}/conversations/nope/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'x' },
    });
    const badState = await call(server, 'GET', `${team()}/conversations?state=archived`, { token: TEAM_TOKEN });
    expect([empty.status, extra.status, missing.status, badState.status]).toEqual([400, 400, 404, 400]);
    expect(empty.body.error.field).toBe('body.body');
    expect(extra.body.error.field).toBe('body.html');
    expect(badState.body.error.field).toBe('querystring.state');
    expect(await tableCounts(server)).toEqual(before);
  });

  it('text stays text: markup in a message is stored and returned verbatim, never rewritten', async () => {
    const visitor = await boot(server);
    const payload = '<img src=x onerror=alert(1)> & "quotes"';
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: payload, client_id: 't3' },
    });
    const thread = await call(server, 'GET', `${team()}/conversations/${started.body.conversation.id}`, {
      token: TEAM_TOKEN,
    });
    expect(thread.body.thread[0].body).toBe(payload);
    expect(thread.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
