// The team stream (GET /api/v1/apps/:app_id/stream): the app's team events as they are written,
// each with an id, resumable by Last-Event-ID; nothing of another app; behind the team's auth;
// counted among the open streams and ended with a retry hint on shutdown.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND } from './backend';
import { boot, call, messenger, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';
import { openRawStream, received } from './sse-blocks';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const openTeamStream = (appId = 'acme', lastEventId?: string, target: Pick<TestServer, 'url'> = server) =>
  openRawStream(`${target.url}${team(appId)}/stream`, {
    authorization: `Bearer ${TEAM_TOKEN}`,
    ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
  });

async function startConversation(appId = 'acme', body = 'Hello') {
  const visitor = await boot(server, { app_id: appId });
  const started = await call(server, 'POST', `${messenger(appId)}/conversations`, {
    token: visitor.session.token,
    body: { body, client_id: `c-${Math.random()}` },
  });
  expect(started.status).toBe(200);
  return { visitor, conversationId: started.body.conversation.id as string };
}

describe('the team stream', () => {
  it("carries the app's conversation created, the visitor's messages, the team's reply, the visitor's read and the close, each with an id, in order", async () => {
    const stream = await openTeamStream();
    try {
      const { visitor, conversationId } = await startConversation();
      await call(server, 'POST', `${messenger()}/conversations/${conversationId}/messages`, {
        token: visitor.session.token,
        body: { body: 'Anyone there?', client_id: 'second' },
      });
      const reply = await call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, {
        token: TEAM_TOKEN,
        body: { body: 'Here!' },
      });
      expect(reply.status).toBe(200);
      const read = await call(server, 'POST', `${messenger()}/conversations/${conversationId}/read`, {
        token: visitor.session.token,
      });
      expect(read.status).toBe(200);
      const close = await call(server, 'POST', `${team()}/conversations/${conversationId}/close`, {
        token: TEAM_TOKEN,
      });
      expect(close.status).toBe(200);

      const events = await received(stream, 6);
      expect(events.map((e) => e.event)).toEqual([
        'conversation.created',
        'message',
        'message',
        'message',
        'read',
        'state',
      ]);
      for (const event of events) {
        expect(event.id).toMatch(/^[0-9]+$/);
        expect(event.data.id).toBe(event.id);
        expect(event.data.type).toBe(event.event);
      }
      const ids = events.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(events[0]!.data.conversation).toMatchObject({
        id: conversationId,
        state: 'open',
        contact: { id: visitor.person.id, role: 'lead' },
      });
      expect(
        events.slice(1, 4).map((e) => [e.data.conversation_id, e.data.message.author, e.data.message.body]),
      ).toEqual([
        [conversationId, 'person', 'Hello'],
        [conversationId, 'person', 'Anyone there?'],
        [conversationId, 'team', 'Here!'],
      ]);
      expect(events[3]!.data.message.id).toBe(reply.body.id);
      expect(events[4]!.data).toMatchObject({ conversation_id: conversationId, reader: 'person' });
      expect(events[4]!.data.read_at).toBeTypeOf('number');
      expect(events[5]!.data).toMatchObject({ conversation_id: conversationId, state: 'closed' });
    } finally {
      stream.close();
    }
  });

  it('without Last-Event-ID starts now; with one it replays what came after, in order, then goes on live', async () => {
    const before = await startConversation(); // written before any stream: not on a fresh one
    const first = await openTeamStream();
    const later = await startConversation(undefined, 'after the stream opened');
    const [created, message] = await received(first, 2);
    first.close();
    expect(created!.data.conversation.id).toBe(later.conversationId);
    expect(created!.data.conversation.id).not.toBe(before.conversationId);
    expect(message!.data.message.body).toBe('after the stream opened');

    // Away after the first event: the second comes back, then a new one live; the first not again.
    const resumed = await openTeamStream('acme', created!.id);
    try {
      await received(resumed, 1);
      await call(server, 'POST', `${team()}/conversations/${later.conversationId}/reply`, {
        token: TEAM_TOKEN,
        body: { body: 'live' },
      });
      const events = await received(resumed, 2);
      expect(events.map((e) => e.id)[0]).toBe(message!.id);
      expect(events[1]!.data.message.body).toBe('live');
      expect(events).toHaveLength(2);
    } finally {
      resumed.close();
    }

    // An id past the newest (a reset database) starts now, as a fresh stream does.
    const future = await openTeamStream('acme', '999999999999');
    try {
      await call(server, 'POST', `${team()}/conversations/${later.conversationId}/reply`, {
        token: TEAM_TOKEN,
        body: { body: 'heard' },
      });
      const [only] = await received(future, 1);
      expect(only!.data.message.body).toBe('heard');
    } finally {
      future.close();
    }
  });

  it('a stream of one app carries nothing of another', async () => {
    const other = await openTeamStream('other-app');
    const acme = await openTeamStream('acme');
    try {
      const inAcme = await startConversation('acme', 'for acme');
      await call(server, 'POST', `${team()}/conversations/${inAcme.conversationId}/reply`, {
        token: TEAM_TOKEN,
        body: { body: 'acme only' },
      });
      // The other app's own news, after acme's: by the time it arrives, acme's would have too.
      const inOther = await startConversation('other-app', 'for the other app');
      const events = await received(other, 2);
      await received(acme, 3);
      expect(events.map((e) => e.data.conversation?.id ?? e.data.conversation_id)).toEqual([
        inOther.conversationId,
        inOther.conversationId,
      ]);
      expect(other.text()).not.toContain(inAcme.conversationId);
      expect(acme.text()).not.toContain(inOther.conversationId);
      // Replayed from the start, the other app's stream still has nothing of acme's.
      const replay = await openTeamStream('other-app', '0');
      await received(replay, 2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      replay.close();
      expect(replay.text()).not.toContain(inAcme.conversationId);
    } finally {
      other.close();
      acme.close();
    }
  });

  it("refuses a stream without the team's credentials (a visitor's session token among them) and a malformed Last-Event-ID", async () => {
    const none = await fetch(`${server.url}${team()}/stream`);
    expect(none.status).toBe(401);
    await none.body?.cancel();
    const visitor = await boot(server);
    const asVisitor = await fetch(`${server.url}${team()}/stream`, {
      headers: { authorization: `Bearer ${visitor.session.token}` },
    });
    expect(asVisitor.status).toBe(401);
    await asVisitor.body?.cancel();
    const bad = await fetch(`${server.url}${team()}/stream`, {
      headers: { authorization: `Bearer ${TEAM_TOKEN}`, 'last-event-id': '12abc' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('last-event-id');
    const badQuery = await call(server, 'GET', `${team()}/stream?last_event_id=x`, { token: TEAM_TOKEN });
    expect(badQuery.status).toBe(400);
  });

  it.skipIf(BACKEND !== 'postgres')(
    'malformed NOTIFYs on the team and ephemeral channels are ignored: the next event still arrives',
    async () => {
      const stream = await openTeamStream();
      try {
        const client = new pg.Client({ connectionString: server.config.db });
        await client.connect();
        try {
          for (const payload of ['', 'not an app id!', '{"app_id":1}', 'x'.repeat(100)])
            await client.query('SELECT pg_notify($1, $2)', ['confab_team', payload]);
          for (const payload of ['garbage', 'null', '{"app_id":"acme","team":true,"event":{"type":"other"}}'])
            await client.query('SELECT pg_notify($1, $2)', ['confab_ephemeral', payload]);
        } finally {
          await client.end();
        }
        const { conversationId } = await startConversation(undefined, 'after garbage');
        const [created] = await received(stream, 1);
        expect(created!.data.conversation.id).toBe(conversationId);
        expect(stream.blocks.every((b) => b.id !== undefined)).toBe(true);
      } finally {
        stream.close();
      }
    },
  );
});

describe('a team stream and the server around it', () => {
  it('is counted among the open streams, and a server that closes ends it with a retry hint', async () => {
    const METRICS_TOKEN = 'metrics-token-team-stream-0123';
    const own = await startTestServer({ metricsToken: METRICS_TOKEN });
    let stopped = false;
    try {
      const stream = await openTeamStream('acme', undefined, own);
      expect(stream.status).toBe(200);
      const metrics = await call(own, 'GET', '/metrics', { token: METRICS_TOKEN });
      expect(metrics.body).toMatch(/^confab_realtime_streams_open 1$/m);
      const closing = own.stop();
      stopped = true;
      await stream.ended;
      expect(stream.text()).toMatch(/retry: [0-9]+\n: this server is shutting down/);
      await closing;
    } finally {
      if (!stopped) await own.stop();
    }
  });
});
