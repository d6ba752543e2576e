// The realtime stream over real HTTP: replay by Last-Event-ID, and a client whose stream is cut
// again and again still ends with every message once, in order.
import { createHttpTransport, createSseParser, readSseStream } from '@confab/core';
import type { RealtimeEvent, Session } from '@confab/core/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src';
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

async function conversationOf(token: string) {
  const started = await call(server, 'POST', `${messenger()}/conversations`, {
    token,
    body: { body: 'Hello', client_id: `c-${Math.random()}` },
  });
  return started.body.conversation.id as string;
}

/** Reads a stream until `count` events have come, with the raw wire format checked. */
async function readEvents(
  token: string,
  count: number,
  lastEventId?: string,
): Promise<Array<{ id: string; event: string; data: RealtimeEvent }>> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}${messenger()}/stream`, {
    headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const received: Array<{ id: string; event: string; data: RealtimeEvent }> = [];
  await readSseStream(response.body!, createSseParser(), (message) => {
    received.push({ id: message.lastEventId, event: message.event, data: JSON.parse(message.data) as RealtimeEvent });
    if (received.length === count) controller.abort();
  }).catch((error: unknown) => {
    if (!controller.signal.aborted) throw error;
  });
  return received;
}

describe('the realtime stream', () => {
  it('a quiet stream ends when its session expires, and reconnecting is refused: the client boots again', async () => {
    const visitor = await boot(server);
    // The session expires in 400 ms (as a week-old one would), written straight into the database.
    await withDatabase(server, (db) =>
      db
        .updateTable('sessions')
        .set({ expires_at: Date.now() + 400 })
        .where('token_hash', '=', hashToken(visitor.session.token))
        .execute(),
    );
    const response = await fetch(`${server.url}${messenger()}/stream`, {
      headers: { authorization: `Bearer ${visitor.session.token}` },
    });
    expect(response.status).toBe(200);
    // Resolves only when the server ends the stream (without that, the test times out).
    expect(await response.text()).toContain(': confab stream');
    const again = await fetch(`${server.url}${messenger()}/stream`, {
      headers: { authorization: `Bearer ${visitor.session.token}` },
    });
    expect(again.status).toBe(401);
    await again.body?.cancel();
  });

  it('without Last-Event-ID starts where the session began; with it replays what came after, in order', async () => {
    const visitor = await boot(server);
    const id = await conversationOf(visitor.session.token);
    for (const body of ['one', 'two', 'three']) {
      await call(server, 'POST', `${team()}/conversations/${id}/reply`, { token: TEAM_TOKEN, body: { body } });
    }
    // A reload: the same lead boots again and gets a new session. A reply lands between that boot
    // and the stream's first connection; the stream still brings it, and nothing from before.
    const again = await boot(server, { visitor_id: visitor.person.visitor_id, session_token: visitor.session.token });
    expect(again.person.id).toBe(visitor.person.id);
    const token = again.session.token;
    await call(server, 'POST', `${team()}/conversations/${id}/reply`, { token: TEAM_TOKEN, body: { body: 'four' } });
    const [fourth] = await readEvents(token, 1);
    expect(fourth!.event).toBe('message');
    expect(fourth!.data).toMatchObject({
      type: 'message',
      id: fourth!.id,
      message: { body: 'four', author: 'team' },
      unread_count: 4,
    });

    // The first event (the person's own "Hello") is the resume point: everything after it comes back.
    const all = await readEvents(token, 5, '0');
    expect(all.map((e) => (e.data.type === 'message' ? e.data.message.body : e.data.type))).toEqual([
      'Hello',
      'one',
      'two',
      'three',
      'four',
    ]);
    const resumed = await readEvents(token, 3, all[1]!.id);
    expect(resumed.map((e) => e.id)).toEqual(all.slice(2).map((e) => e.id));
    expect(all.map((e) => Number(e.id))).toEqual([...all.map((e) => Number(e.id))].sort((a, b) => a - b));
  });

  it("a person's stream carries only their own events", async () => {
    const a = await boot(server);
    const b = await boot(server);
    const aConversation = await conversationOf(a.session.token);
    const bConversation = await conversationOf(b.session.token);
    await call(server, 'POST', `${team()}/conversations/${bConversation}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'for B only' },
    });
    await call(server, 'POST', `${team()}/conversations/${aConversation}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'for A' },
    });
    const events = await readEvents(a.session.token, 2, '0');
    expect(events.map((e) => (e.data.type === 'message' ? e.data.message.body : ''))).toEqual(['Hello', 'for A']);
  });

  it("a Last-Event-ID naming another person's event resumes from that place in the order and brings nothing of theirs", async () => {
    const a = await boot(server);
    const b = await boot(server);
    const aConversation = await conversationOf(a.session.token);
    const bConversation = await conversationOf(b.session.token);
    const reply = (conversation: string, body: string) =>
      call(server, 'POST', `${team()}/conversations/${conversation}/reply`, { token: TEAM_TOKEN, body: { body } });
    await reply(bConversation, 'for B, before');
    const bEvents = await readEvents(b.session.token, 2, '0');
    expect(bEvents.map((e) => (e.data.type === 'message' ? e.data.message.body : ''))).toEqual([
      'Hello',
      'for B, before',
    ]);
    await reply(bConversation, 'for B, after');
    await reply(aConversation, 'for A');
    // A names B's event, as an attacker who learned or guessed its id would: what A hears first is
    // its own reply, not B's later one, nor anything of B's before it.
    const [first] = await readEvents(a.session.token, 1, bEvents[1]!.id);
    expect(first!.data).toMatchObject({ type: 'message', message: { conversation_id: aConversation, body: 'for A' } });
  });

  it("a lead who logs in as an existing user: the open stream follows the session to the user's conversations", async () => {
    const user = await boot(server, { identity: { user_id: `known-${Date.now()}` } });
    const usersConversation = await conversationOf(user.session.token);
    const lead = await boot(server);
    const reading = readEvents(lead.session.token, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const login = await call(server, 'POST', `${messenger()}/update`, {
      token: lead.session.token,
      body: { identity: { user_id: user.person.user_id }, attributes: {} },
    });
    expect(login.status).toBe(200);
    expect(login.body.person.id).toBe(user.person.id);
    await call(server, 'POST', `${team()}/conversations/${usersConversation}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'to the user' },
    });
    const [reply] = await reading;
    expect(reply!.data).toMatchObject({
      type: 'message',
      message: { conversation_id: usersConversation, body: 'to the user' },
    });
  });

  it('a session revoked where no news tells of it (straight in the database) ends its stream at its next read, with nothing read', async () => {
    const visitor = await boot(server);
    const id = await conversationOf(visitor.session.token);
    const response = await fetch(`${server.url}${messenger()}/stream`, {
      headers: { authorization: `Bearer ${visitor.session.token}` },
    });
    expect(response.status).toBe(200);
    const text = response.text();
    await withDatabase(server, (db) =>
      db
        .updateTable('sessions')
        .set({ revoked_at: Date.now() })
        .where('token_hash', '=', hashToken(visitor.session.token))
        .execute(),
    );
    await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'not for a revoked session' },
    });
    // Resolves only when the server ends the stream.
    expect(await text).not.toContain('not for a revoked session');
  }, 10_000);

  it('logging out ends the open streams of that session', async () => {
    const visitor = await boot(server);
    const response = await fetch(`${server.url}${messenger()}/stream`, {
      headers: { authorization: `Bearer ${visitor.session.token}` },
    });
    expect(response.status).toBe(200);
    const ended = readSseStream(response.body!, createSseParser(), () => {});
    const logout = await call(server, 'DELETE', `${messenger()}/session`, { token: visitor.session.token });
    expect(logout.status).toBe(204);
    await expect(ended).resolves.toBeUndefined();
  });

  it('refuses a stream without a valid session, and a malformed Last-Event-ID', async () => {
    const none = await fetch(`${server.url}${messenger()}/stream`);
    expect(none.status).toBe(401);
    const visitor = await boot(server);
    const bad = await fetch(`${server.url}${messenger()}/stream`, {
      headers: { authorization: `Bearer ${visitor.session.token}`, 'last-event-id': 'abc' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('last-event-id');
  });

  it('a Last-Event-ID past the newest event (a reset database, another server) starts where the session began', async () => {
    const visitor = await boot(server);
    const id = await conversationOf(visitor.session.token);
    const reading = readEvents(visitor.session.token, 2, '999999999999');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'still heard' },
    });
    const events = await reading;
    expect(events.map((e) => (e.data.type === 'message' ? e.data.message.body : e.data.type))).toEqual([
      'Hello',
      'still heard',
    ]);
  }, 10_000);

  it('a HEAD request of the stream is answered with headers and ends', async () => {
    const visitor = await boot(server);
    const head = await fetch(`${server.url}${messenger()}/stream`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${visitor.session.token}` },
      signal: AbortSignal.timeout(5_000),
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await head.text()).toBe('');
    const none = await fetch(`${server.url}${messenger()}/stream`, {
      method: 'HEAD',
      signal: AbortSignal.timeout(5_000),
    });
    expect(none.status).toBe(401);
  });

  it.skipIf(BACKEND !== 'postgres')(
    'a malformed NOTIFY on the realtime channel is ignored: the next event still arrives',
    async () => {
      const visitor = await boot(server);
      const id = await conversationOf(visitor.session.token);
      const reading = readEvents(visitor.session.token, 2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const client = new pg.Client({ connectionString: server.config.db });
      await client.connect();
      try {
        for (const payload of ['garbage', 'null', '[1]'])
          await client.query('SELECT pg_notify($1, $2)', ['confab_realtime', payload]);
      } finally {
        await client.end();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
        token: TEAM_TOKEN,
        body: { body: 'after garbage' },
      });
      const events = await reading;
      expect(events.map((e) => (e.data.type === 'message' ? e.data.message.body : e.data.type))).toEqual([
        'Hello',
        'after garbage',
      ]);
    },
    10_000,
  );

  it('cut 12 times while the team posts 60 messages: the client ends with all 60, in order, none twice', async () => {
    const visitor = await boot(server);
    const session: Session = visitor.session;
    const conversationId = await conversationOf(session.token);
    const M = 60;
    const CUTS = 12;

    // The network: every stream connection is cut (the TCP connection dropped) after a short while.
    let cuts = 0;
    const cuttingFetch: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.endsWith('/stream') || cuts >= CUTS) return fetch(input, init);
      const controller = new AbortController();
      init?.signal?.addEventListener('abort', () => controller.abort(init.signal!.reason));
      const response = await fetch(input, { ...init, signal: controller.signal });
      setTimeout(
        () => {
          cuts++;
          controller.abort(new Error('network cut'));
        },
        40 + Math.random() * 60,
      );
      return response;
    };
    const transport = createHttpTransport({
      apiBase: server.url,
      fetch: cuttingFetch,
      reconnect: { baseMs: 5, maxMs: 30 },
    });
    const bodies: string[] = [];
    const errors: string[] = [];
    const unsubscribe = transport.subscribe(
      session,
      {
        onEvent: (event) => {
          if (event.type === 'message' && event.message.author === 'team') bodies.push(event.message.body);
        },
        onError: (error) => errors.push(error.message),
      },
      '0',
    );
    try {
      for (let i = 0; i < M; i++) {
        await call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, {
          token: TEAM_TOKEN,
          body: { body: `m${i}` },
        });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await expect.poll(() => bodies.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(M);
      await expect.poll(() => cuts, { timeout: 15_000 }).toBe(CUTS);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(bodies).toEqual(Array.from({ length: M }, (_, i) => `m${i}`));
      expect(errors.length).toBeGreaterThanOrEqual(1);
    } finally {
      unsubscribe();
    }
  });
});
