import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHash } from '../src';
import {
  boot,
  bootRequest,
  call,
  messenger,
  startTestServer,
  TEAM_TOKEN,
  type TestServer,
  tableCounts,
  team,
} from './server-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('boot', () => {
  it('creates a lead for an unknown visitor and hands out a session, the person and the settings', async () => {
    const answer = await boot(server, {
      attributes: { name: 'Lea', custom_attributes: { plan: 'free' } },
      page: { url: 'https://shop.example/' },
    });
    expect(answer.session).toMatchObject({ app_id: 'acme', token: expect.any(String) });
    expect(answer.session.expires_at).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);
    expect(answer.person).toMatchObject({
      role: 'lead',
      name: 'Lea',
      attributes: { custom_attributes: { plan: 'free' } },
    });
    expect(answer).toMatchObject({ unread_count: 0, conversations: [], settings: { team_name: 'Acme Support' } });
  });

  it('the same visitor booting again is the same lead; a user_id makes a user', async () => {
    const request = bootRequest();
    const first = await boot(server, request);
    const again = await boot(server, { ...request, session_token: first.session.token });
    expect(again.person.id).toBe(first.person.id);
    const user = await boot(server, { identity: { user_id: `u-${Date.now()}`, email: 'ada@example.com' } });
    expect(user.person).toMatchObject({ role: 'user', email: 'ada@example.com' });
  });

  it('a lead who boots as a user keeps their conversations and events', async () => {
    const request = bootRequest();
    const lead = await boot(server, request);
    const token = lead.session.token;
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token,
      body: { body: 'Hi, question before I sign up', client_id: 'c-1' },
    });
    expect(started.status).toBe(200);
    await call(server, 'POST', `${messenger()}/events`, {
      token,
      body: { events: [{ id: `ev-${Date.now()}`, name: 'viewed-pricing', created_at: Date.now() }] },
    });

    const userId = `converted-${Date.now()}`;
    const user = await boot(server, {
      visitor_id: request.visitor_id,
      device_id: request.device_id,
      identity: { user_id: userId },
    });
    expect(user.person).toMatchObject({ id: lead.person.id, role: 'user', user_id: userId });
    expect(user.conversations.map((c) => c.id)).toEqual([started.body.conversation.id]);
    const contact = await call(server, 'GET', `${team()}/contacts?user_id=${userId}`, { token: TEAM_TOKEN });
    const events = await call(server, 'GET', `${team()}/contacts/${contact.body.contacts[0].id}/events`, {
      token: TEAM_TOKEN,
    });
    expect(events.body.events.map((e: { name: string }) => e.name)).toEqual(['viewed-pricing']);
  });

  it('a lead booting as an existing user merges into that user', async () => {
    const userId = `existing-${Date.now()}`;
    const existing = await boot(server, { identity: { user_id: userId } });
    const leadRequest = bootRequest();
    const lead = await boot(server, leadRequest);
    await call(server, 'POST', `${messenger()}/conversations`, {
      token: lead.session.token,
      body: { body: 'lead question', client_id: 'c-2' },
    });
    const merged = await boot(server, {
      visitor_id: leadRequest.visitor_id,
      device_id: leadRequest.device_id,
      identity: { user_id: userId },
    });
    expect(merged.person.id).toBe(existing.person.id);
    expect(merged.conversations).toHaveLength(1);
    const leads = await call(server, 'GET', `${team()}/contacts?visitor_id=${leadRequest.visitor_id}`, {
      token: TEAM_TOKEN,
    });
    expect(leads.body.contacts.filter((c: { role: string }) => c.role === 'lead')).toEqual([]);
  });

  it('refuses a body whose app_id differs from the path', async () => {
    const answer = await call(server, 'POST', `${messenger('other')}/boot`, { body: bootRequest() });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', field: 'body.app_id' });
  });
});

describe('update, events and sessions', () => {
  it('update merges attributes and records a page impression', async () => {
    const { session, person } = await boot(server, { attributes: { custom_attributes: { plan: 'free', seats: 1 } } });
    const answer = await call(server, 'POST', `${messenger()}/update`, {
      token: session.token,
      body: {
        attributes: { name: 'Ada', custom_attributes: { plan: 'pro' } },
        page: { url: 'https://shop.example/pricing', title: 'Pricing' },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.person).toMatchObject({
      name: 'Ada',
      attributes: { custom_attributes: { plan: 'pro', seats: 1 } },
    });
    const pages = await call(server, 'GET', `${team()}/contacts/${person.id}/page_views`, { token: TEAM_TOKEN });
    expect(pages.body.page_views).toEqual([
      expect.objectContaining({ url: 'https://shop.example/pricing', title: 'Pricing' }),
    ]);
  });

  it('custom attributes are capped at 250 keys per person: a call that would pass it is refused and writes nothing', async () => {
    const keys = (from: number, count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${from + i}`, i]));
    const request = bootRequest();
    const { session, person } = await boot(server, request);
    const update = (custom: Record<string, number>) =>
      call(server, 'POST', `${messenger()}/update`, {
        token: session.token,
        body: { attributes: { custom_attributes: custom } },
      });
    expect((await update(keys(0, 100))).status).toBe(200);
    expect((await update(keys(100, 100))).status).toBe(200);
    const before = await tableCounts(server);
    const refused = await update(keys(200, 100));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'invalid_request',
      field: 'body.attributes.custom_attributes',
      message: expect.stringMatching(/250/),
    });
    const rebooted = await call(server, 'POST', `${messenger()}/boot`, {
      body: {
        ...request,
        session_token: session.token,
        attributes: { custom_attributes: keys(300, 51) },
        page: { url: 'https://shop.example/x' },
      },
    });
    expect(rebooted.status).toBe(400);
    expect(rebooted.body.error.field).toBe('body.attributes.custom_attributes');
    expect(await tableCounts(server)).toEqual(before);
    // Up to the cap is fine, and so is changing keys already held.
    expect((await update(keys(200, 50))).status).toBe(200);
    expect((await update(keys(0, 100))).status).toBe(200);
    const contact = await call(server, 'GET', `${team()}/contacts/${person.id}`, { token: TEAM_TOKEN });
    expect(Object.keys(contact.body.attributes.custom_attributes)).toHaveLength(250);
    // A company's custom attributes merge key by key too, under the same cap.
    const company = (custom: Record<string, number>) =>
      call(server, 'POST', `${messenger()}/update`, {
        token: session.token,
        body: { attributes: { company: { company_id: 'co-1', custom_attributes: custom } } },
      });
    expect([(await company(keys(0, 100))).status, (await company(keys(100, 100))).status]).toEqual([200, 200]);
    const refusedCompany = await company(keys(200, 100));
    expect(refusedCompany.status).toBe(400);
    expect(refusedCompany.body.error.field).toBe('body.attributes.company.custom_attributes');
  });

  it('stores each event id once however often it is sent', async () => {
    const { session, person } = await boot(server);
    const events = [
      { id: 'same-1', name: 'a', created_at: 1 },
      { id: 'same-2', name: 'b', created_at: 2, metadata: { n: 1, ok: true, none: null, s: 'x' } },
    ];
    for (let i = 0; i < 3; i++) {
      const answer = await call(server, 'POST', `${messenger()}/events`, { token: session.token, body: { events } });
      expect(answer.body).toEqual({ accepted: ['same-1', 'same-2'] });
    }
    const stored = await call(server, 'GET', `${team()}/contacts/${person.id}/events`, { token: TEAM_TOKEN });
    expect(stored.body.events.map((e: { id: string }) => e.id)).toEqual(['same-1', 'same-2']);
    expect(stored.body.events[1].metadata).toEqual({ n: 1, ok: true, none: null, s: 'x' });
  });

  it("an event id is deduplicated per person: a visitor who sends another's event id stores their own event and drops nothing of the other's", async () => {
    const a = await boot(server);
    const b = await boot(server);
    const post = (token: string, name: string) =>
      call(server, 'POST', `${messenger()}/events`, {
        token,
        body: { events: [{ id: 'shared-event-id', name, created_at: 10 }] },
      });
    expect((await post(a.session.token, 'a-checked-out')).body).toEqual({ accepted: ['shared-event-id'] });
    expect((await post(b.session.token, 'b-signed-up')).body).toEqual({ accepted: ['shared-event-id'] });
    // Retries of each stay deduplicated, each under its own person.
    expect((await post(b.session.token, 'b-again')).body).toEqual({ accepted: ['shared-event-id'] });
    const eventsOf = async (personId: string) =>
      (await call(server, 'GET', `${team()}/contacts/${personId}/events`, { token: TEAM_TOKEN })).body.events.map(
        (e: { id: string; name: string }) => [e.id, e.name],
      );
    expect(await eventsOf(a.person.id)).toEqual([['shared-event-id', 'a-checked-out']]);
    expect(await eventsOf(b.person.id)).toEqual([['shared-event-id', 'b-signed-up']]);
  });

  it('a lead who logs in as a user already holding one of its event ids (a retry across the login) joins them with that event once', async () => {
    const userId = `dedup-user-${Date.now()}`;
    const user = await boot(server, { identity: { user_id: userId } });
    const lead = await boot(server);
    await call(server, 'POST', `${messenger()}/events`, {
      token: user.session.token,
      body: { events: [{ id: 'same-on-both', name: 'signed-up', created_at: 1 }] },
    });
    await call(server, 'POST', `${messenger()}/events`, {
      token: lead.session.token,
      body: {
        events: [
          { id: 'same-on-both', name: 'signed-up', created_at: 1 },
          { id: 'lead-only', name: 'viewed-pricing', created_at: 2 },
        ],
      },
    });
    const joined = await call(server, 'POST', `${messenger()}/update`, {
      token: lead.session.token,
      body: { identity: { user_id: userId }, attributes: {} },
    });
    expect(joined.status).toBe(200);
    expect(joined.body.person.id).toBe(user.person.id);
    const stored = await call(server, 'GET', `${team()}/contacts/${user.person.id}/events`, { token: TEAM_TOKEN });
    expect(stored.body.events.map((e: { id: string; name: string }) => [e.id, e.name])).toEqual([
      ['same-on-both', 'signed-up'],
      ['lead-only', 'viewed-pricing'],
    ]);
  });

  it('a batch that repeats an id stores it once', async () => {
    const { session, person } = await boot(server);
    const answer = await call(server, 'POST', `${messenger()}/events`, {
      token: session.token,
      body: {
        events: [
          { id: 'twice', name: 'first', created_at: 1 },
          { id: 'twice', name: 'second', created_at: 2 },
        ],
      },
    });
    expect(answer.body).toEqual({ accepted: ['twice', 'twice'] });
    const stored = await call(server, 'GET', `${team()}/contacts/${person.id}/events`, { token: TEAM_TOKEN });
    expect(stored.body.events.map((e: { name: string }) => e.name)).toEqual(['first']);
  });

  it('a beacon (text/plain, token in the body) stores events too', async () => {
    const { session, person } = await boot(server);
    const answer = await call(server, 'POST', `${messenger()}/events/beacon`, {
      raw: JSON.stringify({
        session_token: session.token,
        events: [{ id: 'beacon-1', name: 'left-page', created_at: 5 }],
      }),
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    expect(answer.status).toBe(204);
    const stored = await call(server, 'GET', `${team()}/contacts/${person.id}/events`, { token: TEAM_TOKEN });
    expect(stored.body.events.map((e: { id: string }) => e.id)).toEqual(['beacon-1']);
  });

  it('a revoked session is useless: every route answers 401', async () => {
    const { session } = await boot(server);
    expect((await call(server, 'DELETE', `${messenger()}/session`, { token: session.token })).status).toBe(204);
    const answer = await call(server, 'GET', `${messenger()}/conversations`, { token: session.token });
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toMatch(/revoked/);
  });

  it('a logged-out or expired session token resumes nobody at boot', async () => {
    const request = bootRequest();
    const lead = await boot(server, request);
    await call(server, 'POST', `${messenger()}/conversations`, {
      token: lead.session.token,
      body: { body: 'my question', client_id: 'lo-1' },
    });
    expect((await call(server, 'DELETE', `${messenger()}/session`, { token: lead.session.token })).status).toBe(204);
    // Another visitor presenting the dead token gets a fresh lead, not the first one's conversations.
    const other = await boot(server, { session_token: lead.session.token });
    expect(other.person.id).not.toBe(lead.person.id);
    expect(other.conversations).toEqual([]);
  });

  it('a request under way while its lead logs in as an existing user is applied to that user', async () => {
    const userId = `racing-${Date.now()}`;
    await boot(server, { identity: { user_id: userId } });
    const leadRequest = bootRequest();
    const lead = await boot(server, leadRequest);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: lead.session.token,
      body: { body: 'before login', client_id: 'race-0' },
    });
    const conversationId = started.body.conversation.id as string;
    // Each request's headers (and so its session) reach the server now; its body only after the
    // lead has logged in and been merged into the user (the lead's row is gone by then).
    const pending = [
      ['/events', { events: [{ id: `race-event-${Date.now()}`, name: 'clicked', created_at: 1 }] }],
      ['/conversations', { body: 'new after login', client_id: 'race-1' }],
      ['/update', { attributes: { name: 'Racer' } }],
      [`/conversations/${conversationId}/messages`, { body: 'more after login', client_id: 'race-2' }],
      [`/conversations/${conversationId}/read`, undefined],
    ].map(([path, body]) => slowPost(`${messenger()}${path}`, lead.session.token, body));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The login presents the lead's session (as a browser does): that session continues as the user.
    const user = await boot(server, {
      ...leadRequest,
      session_token: lead.session.token,
      identity: { user_id: userId },
    });
    const answers = await Promise.all(pending.map((request) => request.finish()));
    expect(answers.map((answer) => [answer.status, answer.body.slice(0, 120)])).toEqual(
      answers.map((answer) => [200, answer.body.slice(0, 120)]),
    );
    const thread = await call(server, 'GET', `${messenger()}/conversations/${conversationId}`, {
      token: user.session.token,
    });
    expect(thread.body.messages.map((m: { body: string }) => m.body)).toEqual(['before login', 'more after login']);
    const list = await call(server, 'GET', `${messenger()}/conversations`, { token: user.session.token });
    expect(list.body.map((c: { last_message: { body: string } }) => c.last_message.body).sort()).toEqual([
      'more after login',
      'new after login',
    ]);
  });

  it('a session of one app is not valid for another', async () => {
    const { session } = await boot(server);
    const answer = await call(server, 'GET', `${messenger('other-app')}/conversations`, { token: session.token });
    expect(answer.status).toBe(401);
  });
});

describe('conversations', () => {
  it('start, post (a retried client_id is stored once), read, list', async () => {
    const { session } = await boot(server);
    const token = session.token;
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token,
      body: { body: 'Hello', client_id: 'k1' },
    });
    const retried = await call(server, 'POST', `${messenger()}/conversations`, {
      token,
      body: { body: 'Hello', client_id: 'k1' },
    });
    expect(retried.body.conversation.id).toBe(started.body.conversation.id);
    const id = started.body.conversation.id as string;
    for (let i = 0; i < 2; i++) {
      const posted = await call(server, 'POST', `${messenger()}/conversations/${id}/messages`, {
        token,
        body: { body: 'More', client_id: 'k2' },
      });
      expect(posted.status).toBe(200);
    }
    await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'Hi! How can we help?', author_name: 'Sam' },
    });
    const list = await call(server, 'GET', `${messenger()}/conversations`, { token });
    expect(list.body).toEqual([
      expect.objectContaining({
        id,
        unread_count: 1,
        last_message: expect.objectContaining({ author: 'team', author_name: 'Sam' }),
      }),
    ]);
    const thread = await call(server, 'GET', `${messenger()}/conversations/${id}`, { token });
    expect(thread.body.messages.map((m: { body: string }) => m.body)).toEqual([
      'Hello',
      'More',
      'Hi! How can we help?',
    ]);
    const read = await call(server, 'POST', `${messenger()}/conversations/${id}/read`, { token });
    expect(read.body).toEqual({ unread_count: 0 });
  });

  it('a new conversation whose client_id a message of another conversation used is still a new conversation', async () => {
    const { session } = await boot(server);
    const token = session.token;
    const first = await call(server, 'POST', `${messenger()}/conversations`, {
      token,
      body: { body: 'First topic', client_id: 'start-1' },
    });
    const firstId = first.body.conversation.id as string;
    await call(server, 'POST', `${messenger()}/conversations/${firstId}/messages`, {
      token,
      body: { body: 'a follow-up', client_id: 'shared-id' },
    });
    const second = await call(server, 'POST', `${messenger()}/conversations`, {
      token,
      body: { body: 'Second topic', client_id: 'shared-id' },
    });
    expect(second.status).toBe(200);
    expect(second.body.conversation.id).not.toBe(firstId);
    expect(second.body.message).toMatchObject({ body: 'Second topic', client_id: 'shared-id' });
    // A retried start still returns the conversation it made, with its first message.
    const retried = await call(server, 'POST', `${messenger()}/conversations`, {
      token,
      body: { body: 'Second topic', client_id: 'shared-id' },
    });
    expect(retried.body.conversation.id).toBe(second.body.conversation.id);
    expect(retried.body.message.id).toBe(second.body.message.id);
    const list = await call(server, 'GET', `${messenger()}/conversations`, { token });
    expect(list.body).toHaveLength(2);
  });

  it("one person's session can neither read nor write another's conversation: 404, as if it did not exist", async () => {
    const a = await boot(server);
    const b = await boot(server);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: b.session.token,
      body: { body: 'B private', client_id: 'b1' },
    });
    const id = started.body.conversation.id as string;
    const before = await tableCounts(server);
    const asked = await Promise.all([
      call(server, 'GET', `${messenger()}/conversations/${id}`, { token: a.session.token }),
      call(server, 'POST', `${messenger()}/conversations/${id}/messages`, {
        token: a.session.token,
        body: { body: 'intrude', client_id: 'a1' },
      }),
      call(server, 'POST', `${messenger()}/conversations/${id}/read`, { token: a.session.token }),
      call(server, 'GET', `${messenger()}/conversations/no-such-id`, { token: a.session.token }),
    ]);
    expect(asked.map((answer) => answer.status)).toEqual([404, 404, 404, 404]);
    expect(asked[0]!.body.error.message).toBe(asked[3]!.body.error.message.replace('no-such-id', id));
    expect(await tableCounts(server)).toEqual(before);
    const list = await call(server, 'GET', `${messenger()}/conversations`, { token: a.session.token });
    expect(list.body).toEqual([]);
  });
});

describe('bad input: a 4xx that names what is wrong, and nothing written', () => {
  const cases: Array<{
    name: string;
    path: string;
    raw?: string;
    body?: unknown;
    headers?: Record<string, string>;
    status: number;
    field?: string;
    message: RegExp;
  }> = [
    {
      name: 'malformed JSON',
      path: '/events',
      raw: '{"events": [',
      status: 400,
      field: 'body',
      message: /not valid JSON/,
    },
    { name: 'an empty body', path: '/events', raw: '', status: 400, field: 'body', message: /empty/ },
    {
      name: 'an unknown field',
      path: '/events',
      body: { events: [{ id: 'x', name: 'a', created_at: 1, colour: 'red' }] },
      status: 400,
      field: 'body.events.0.colour',
      message: /unknown field/,
    },
    {
      name: 'a missing field',
      path: '/events',
      body: { events: [{ id: 'x', created_at: 1 }] },
      status: 400,
      field: 'body.events.0.name',
      message: /required/,
    },
    {
      name: 'an empty event name',
      path: '/events',
      body: { events: [{ id: 'x', name: '', created_at: 1 }] },
      status: 400,
      field: 'body.events.0.name',
      message: /1 characters/,
    },
    {
      name: 'metadata of 21 keys',
      path: '/events',
      body: {
        events: [
          {
            id: 'x',
            name: 'a',
            created_at: 1,
            metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])),
          },
        ],
      },
      status: 400,
      field: 'body.events.0.metadata',
      message: /20/,
    },
    {
      name: 'metadata with an object value',
      path: '/events',
      body: { events: [{ id: 'x', name: 'a', created_at: 1, metadata: { nested: { a: 1 } } }] },
      status: 400,
      field: 'body.events.0.metadata.nested',
      message: /.+/,
    },
    {
      name: 'an empty batch',
      path: '/events',
      body: { events: [] },
      status: 400,
      field: 'body.events',
      message: /1 items/,
    },
    {
      name: 'an oversized body',
      path: '/update',
      body: {
        attributes: {
          custom_attributes: Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`k${i}`, 'x'.repeat(250)])),
        },
        page: { url: `https://x/${'a'.repeat(50_000)}` },
      },
      status: 413,
      message: /larger than/,
    },
    {
      name: 'a wrong content type',
      path: '/events',
      raw: 'events=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      message: /content-type/,
    },
    {
      name: 'a message body of only spaces',
      path: '/conversations',
      body: { body: '   ', client_id: 'c' },
      status: 400,
      field: 'body.body',
      message: /.+/,
    },
    {
      name: 'an unpaired surrogate in a client id',
      path: '/conversations',
      raw: '{"body":"hi","client_id":"m\\ud800"}',
      status: 400,
      field: 'body.client_id',
      message: /well-formed text/,
    },
    {
      name: 'a NUL character in a message',
      path: '/conversations',
      body: { body: 'a\u0000b', client_id: 'nul' },
      status: 400,
      field: 'body.body',
      message: /NUL/,
    },
    {
      name: 'an unpaired surrogate in a metadata key',
      path: '/events',
      raw: '{"events":[{"id":"s","name":"a","created_at":1,"metadata":{"k\\udc00":1}}]}',
      status: 400,
      field: 'body.events.0.metadata.k\udc00',
      message: /well-formed text/,
    },
    {
      name: 'a fractional event time',
      path: '/events',
      body: { events: [{ id: 'f', name: 'a', created_at: 1.5 }] },
      status: 400,
      field: 'body.events.0.created_at',
      message: /integer/,
    },
    {
      name: 'an event time past any date',
      path: '/events',
      body: { events: [{ id: 'f', name: 'a', created_at: 1e300 }] },
      status: 400,
      field: 'body.events.0.created_at',
      message: /.+/,
    },
    {
      name: 'JSON sent as text/plain',
      path: '/events',
      raw: '{"events":[{"id":"t","name":"a","created_at":1}]}',
      headers: { 'content-type': 'text/plain' },
      status: 415,
      message: /application\/json/,
    },
    {
      name: 'a bad email in update',
      path: '/update',
      body: { identity: { email: 'not an email' }, attributes: {} },
      status: 400,
      field: 'body.identity.email',
      message: /.+/,
    },
  ];

  it.each(cases)('$name → $status', async ({ path, raw, body, headers, status, field, message }) => {
    const { session } = await boot(server);
    const before = await tableCounts(server);
    const answer = await call(server, 'POST', `${messenger()}${path}`, {
      token: session.token,
      ...(raw !== undefined ? { raw } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(headers ? { headers } : {}),
    });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/application\/json/);
    expect(answer.body.error.status).toBe(status);
    expect(answer.body.error.message).toMatch(message);
    if (field) expect(answer.body.error.field).toBe(field);
    expect(await tableCounts(server)).toEqual(before);
  });

  it('a NUL character in a path is a 400 naming the parameter, not a database error', async () => {
    const { session } = await boot(server);
    const answer = await call(server, 'GET', `${messenger()}/conversations/a%00b`, { token: session.token });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ field: 'params.conversation_id', message: expect.stringMatching(/NUL/) });
  });

  it('a beacon refuses a __proto__ key as the JSON routes do', async () => {
    const { session } = await boot(server);
    const before = await tableCounts(server);
    const raw = `{"session_token":${JSON.stringify(session.token)},"events":[{"id":"p","name":"a","created_at":1,"metadata":{"__proto__":{"x":1}}}]}`;
    const answer = await call(server, 'POST', `${messenger()}/events/beacon`, {
      raw,
      headers: { 'content-type': 'text/plain' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/__proto__|prototype/);
    expect(await tableCounts(server)).toEqual(before);
  });

  it('a call without a session is 401 before its body is even looked at', async () => {
    const answer = await call(server, 'POST', `${messenger()}/events`, { body: { nonsense: true } });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 'unauthorized', field: 'authorization' });
  });

  it('an unknown route is a JSON 404', async () => {
    const answer = await call(server, 'GET', '/messenger/v1/nothing');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('not_found');
  });

  it('ids up to the 128 characters the schema allows reach the route; longer ones get a JSON 4xx', async () => {
    const { session } = await boot(server);
    const token = session.token;
    const long = await call(server, 'GET', `${messenger()}/conversations/${'c'.repeat(120)}`, { token });
    expect(long.status).toBe(404);
    expect(long.body.error.code).toBe('not_found');
    const tooLong = await call(server, 'GET', `${messenger()}/conversations/${'c'.repeat(129)}`, { token });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.field).toBe('params.conversation_id');
    const huge = await call(server, 'GET', `${messenger()}/conversations/${'c'.repeat(300)}`, { token });
    expect(huge.status).toBe(414);
    expect(huge.body.error).toMatchObject({
      status: 414,
      code: 'invalid_request',
      message: expect.stringMatching(/256 characters/),
    });
  });

  it('a malformed percent-encoding in the path is a JSON 400 naming the URL', async () => {
    const answer = await rawHttp(
      'POST',
      '/messenger/v1/apps/%E0%A4%A/boot',
      { 'content-type': 'application/json' },
      '{}',
    );
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(answer.body).error).toMatchObject({
      status: 400,
      code: 'invalid_request',
      field: 'url',
      message: expect.stringMatching(/percent-encoding/),
    });
  });

  it('a preflight without Origin or Access-Control-Request-Method is a JSON 400 naming the header', async () => {
    const noOrigin = await rawHttp('OPTIONS', `${messenger()}/boot`, { 'access-control-request-method': 'POST' });
    expect(noOrigin.status).toBe(400);
    expect(noOrigin.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(noOrigin.body).error).toMatchObject({
      status: 400,
      field: 'origin',
      message: expect.stringMatching(/Origin/),
    });
    const noMethod = await rawHttp('OPTIONS', `${messenger()}/boot`, { origin: 'https://shop.example' });
    expect(noMethod.status).toBe(400);
    expect(JSON.parse(noMethod.body).error).toMatchObject({ status: 400, field: 'access-control-request-method' });
  });

  it('a request that is not well-formed HTTP, or whose headers are too large, gets a JSON 4xx', async () => {
    const garbage = await rawSocket('NOT-A-METHOD / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body).error).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: expect.stringMatching(/HTTP/),
    });
    const huge = await rawSocket(`GET /health HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body).error).toMatchObject({
      status: 431,
      code: 'invalid_request',
      message: expect.stringMatching(/headers/),
    });
  });
});

describe('identity verification', () => {
  const SECRET = 'identity-secret-0123456789';
  let verified: TestServer;
  beforeAll(async () => {
    verified = await startTestServer({ secret: SECRET });
  });
  afterAll(() => verified.stop());

  it('accepts the right user_hash, for user_id and for email alone', async () => {
    const byId = await boot(verified, { identity: { user_id: 'u-42', user_hash: userHash(SECRET, 'u-42') } });
    expect(byId.person.user_id).toBe('u-42');
    const byEmail = await boot(verified, {
      identity: { email: 'e@example.com', user_hash: userHash(SECRET, 'e@example.com') },
    });
    expect(byEmail.person.email).toBe('e@example.com');
  });

  it('a forged or missing user_hash gets 401 and the database is unchanged', async () => {
    const before = await tableCounts(verified);
    const forged = await call(verified, 'POST', `${messenger()}/boot`, {
      body: bootRequest({ identity: { user_id: 'u-42', user_hash: userHash('wrong-secret-000000', 'u-42') } }),
    });
    const missing = await call(verified, 'POST', `${messenger()}/boot`, {
      body: bootRequest({ identity: { user_id: 'u-43' } }),
    });
    const notHex = await call(verified, 'POST', `${messenger()}/boot`, {
      body: bootRequest({ identity: { user_id: 'u-44', user_hash: 'zz' } }),
    });
    // The right hash with anything after it: Buffer.from(hex) would have read only the hash.
    const suffixed = await call(verified, 'POST', `${messenger()}/boot`, {
      body: bootRequest({ identity: { user_id: 'u-45', user_hash: `${userHash(SECRET, 'u-45')}-not-hex!!` } }),
    });
    expect([forged.status, missing.status, notHex.status, suffixed.status]).toEqual([401, 401, 401, 401]);
    expect(suffixed.body.error.message).toMatch(/64 hex digits/);
    expect(forged.body.error).toMatchObject({
      code: 'unauthorized',
      field: 'identity.user_hash',
      message: expect.stringMatching(/does not match user_id/),
    });
    expect(missing.body.error.message).toMatch(/user_hash is required/);
    expect(await tableCounts(verified)).toEqual(before);
  });

  it('an update that names another user without their hash is refused and writes nothing', async () => {
    const lead = await boot(verified);
    const before = await tableCounts(verified);
    const answer = await call(verified, 'POST', `${messenger()}/update`, {
      token: lead.session.token,
      body: { identity: { user_id: 'u-99' }, attributes: { name: 'Mallory' } },
    });
    expect(answer.status).toBe(401);
    expect(await tableCounts(verified)).toEqual(before);
  });

  it('a lead needs no hash', async () => {
    expect((await boot(verified)).person.role).toBe('lead');
  });
});

describe('CORS and rate limits', () => {
  it('answers preflights for configured origins only', async () => {
    const allowed = await fetch(`${server.url}${messenger()}/events`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const refused = await fetch(`${server.url}${messenger()}/events`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("the messenger's error answers carry CORS headers too, so a browser reads a 404 as a 404, not as a network error", async () => {
    const { session } = await boot(server);
    const headers = { origin: 'https://shop.example', authorization: `Bearer ${session.token}` };
    const unknownRoute = await fetch(`${server.url}${messenger()}/no-such-route`, { headers });
    const unknownConversation = await fetch(`${server.url}${messenger()}/conversations/${'x'.repeat(120)}`, {
      headers,
    });
    expect([unknownRoute.status, unknownConversation.status]).toEqual([404, 404]);
    expect(
      [unknownRoute, unknownConversation].map((answer) => answer.headers.get('access-control-allow-origin')),
    ).toEqual(['https://shop.example', 'https://shop.example']);
  });

  it('the team API sends no CORS headers, to preflights or to requests', async () => {
    const preflight = await fetch(`${server.url}${team()}/conversations`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    const answer = await call(server, 'GET', `${team()}/conversations`, {
      token: TEAM_TOKEN,
      headers: { origin: 'https://shop.example' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const messengerAnswer = await call(server, 'GET', `${messenger()}/conversations`, {
      headers: { origin: 'https://shop.example' },
    });
    expect(messengerAnswer.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });

  it("a messenger call over the IP's limit still carries CORS headers, so the browser can read the 429", async () => {
    const limited = await startTestServer({ rateLimits: { perIp: 2, perSession: 1000, windowMs: 60_000 } });
    try {
      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push(
          await call(limited, 'GET', `${messenger()}/conversations`, { headers: { origin: 'https://shop.example' } }),
        );
      expect(answers.map((a) => a.status)).toEqual([401, 401, 429]);
      expect(answers[2]!.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    } finally {
      await limited.stop();
    }
  });

  it('a session over its limit gets 429 with Retry-After; another session is unaffected', async () => {
    const limited = await startTestServer({ rateLimits: { perIp: 1000, perSession: 5, windowMs: 60_000 } });
    try {
      const a = await boot(limited);
      const b = await boot(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await call(limited, 'GET', `${messenger()}/conversations`, { token: a.session.token })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const refused = await call(limited, 'GET', `${messenger()}/conversations`, { token: a.session.token });
      expect(refused.body.error).toMatchObject({
        code: 'rate_limited',
        message: expect.stringMatching(/too many requests from this session/),
      });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call(limited, 'GET', `${messenger()}/conversations`, { token: b.session.token })).status).toBe(200);
      // The beacon (its token in the body) counts against the same session.
      const raw = JSON.stringify({
        session_token: a.session.token,
        events: [{ id: `late-${Date.now()}`, name: 'left', created_at: 1 }],
      });
      expect(
        (
          await call(limited, 'POST', `${messenger()}/events/beacon`, {
            raw,
            headers: { 'content-type': 'text/plain' },
          })
        ).status,
      ).toBe(429);
    } finally {
      await limited.stop();
    }
  });

  it('an IP over its limit gets 429 on any route', async () => {
    const limited = await startTestServer({ rateLimits: { perIp: 3, perSession: 1000, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(limited, 'GET', '/health')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      // A forged X-Forwarded-For buys no fresh allowance unless the proxy is trusted.
      expect((await call(limited, 'GET', '/health', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(
        429,
      );
    } finally {
      await limited.stop();
    }
  });

  it('behind a trusted proxy, each forwarded client address has its own limit', async () => {
    const limited = await startTestServer({
      rateLimits: { perIp: 2, perSession: 1000, windowMs: 60_000 },
      trustProxy: '127.0.0.1',
    });
    try {
      const from = (ip: string) => call(limited, 'GET', '/health', { headers: { 'x-forwarded-for': ip } });
      const statuses: number[] = [];
      for (const ip of ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2'])
        statuses.push((await from(ip)).status);
      expect(statuses).toEqual([200, 200, 429, 200]);
    } finally {
      await limited.stop();
    }
  });
});

/** A POST whose headers go now and whose body goes when `finish()` is called. */
function slowPost(path: string, token: string, body: unknown) {
  const data = Buffer.from(JSON.stringify(body ?? {}));
  let answer!: Promise<{ status: number; body: string }>;
  const request = httpRequest(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': data.length, authorization: `Bearer ${token}` },
  });
  answer = new Promise((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
  });
  request.flushHeaders();
  request.write(data.subarray(0, 1));
  return {
    finish() {
      request.end(data.subarray(1));
      return answer;
    },
  };
}

/** One HTTP request with the path and headers exactly as given (fetch would normalize them). */
function rawHttp(method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const request = httpRequest(`${server.url}${path}`, { method, headers });
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      });
      request.on('error', reject);
      request.end(body);
    },
  );
}

/** Bytes written straight to a socket; the answer's status and body. */
function rawSocket(data: string) {
  const { hostname, port } = new URL(server.url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(data));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', (error) => (text ? undefined : reject(error)));
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), body });
    });
  });
}
