// "Seen", both ways: the visitor's read mark tells the team stream the visitor saw the team's
// messages; a teammate reading a conversation tells the visitor's messenger (a stored `seen` event
// on their stream, `team_seen_at` on the conversation) and the team stream who read it.
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
import { openRawStream, received } from './sse-blocks';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const teamStream = () => openRawStream(`${server.url}${team()}/stream`, { authorization: `Bearer ${TEAM_TOKEN}` });
const visitorStream = (token: string, lastEventId = '0') =>
  openRawStream(`${server.url}${messenger()}/stream`, {
    authorization: `Bearer ${token}`,
    'last-event-id': lastEventId,
  });

async function conversation(appId = 'acme') {
  const visitor = await boot(server, { app_id: appId });
  const started = await call(server, 'POST', `${messenger(appId)}/conversations`, {
    token: visitor.session.token,
    body: { body: 'Hello', client_id: `c-${Math.random()}` },
  });
  return { visitor, token: visitor.session.token, conversationId: started.body.conversation.id as string };
}

const teamRead = (conversationId: string, appId = 'acme') =>
  call(server, 'POST', `${team(appId)}/conversations/${conversationId}/read`, { token: TEAM_TOKEN });
const teamSeenEvents = async (conversationId: string) =>
  withDatabase(server, (db) =>
    db.selectFrom('realtime_events').select('payload').where('payload', 'like', `%"seen"%${conversationId}%`).execute(),
  );

describe('seen, the visitor side', () => {
  it('the visitor reading the team’s replies is a `read` event on the team stream; reading again with nothing new is not', async () => {
    const { token, conversationId } = await conversation();
    const stream = await teamStream();
    try {
      await call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, {
        token: TEAM_TOKEN,
        body: { body: 'Hi there' },
      });
      const before = Date.now();
      expect(
        (await call(server, 'POST', `${messenger()}/conversations/${conversationId}/read`, { token })).status,
      ).toBe(200);
      expect(
        (await call(server, 'POST', `${messenger()}/conversations/${conversationId}/read`, { token })).status,
      ).toBe(200);
      // A later event, so the stream has caught up past any second `read`.
      await call(server, 'POST', `${team()}/conversations/${conversationId}/close`, { token: TEAM_TOKEN });
      const events = await received(stream, 3);
      expect(events.map((e) => e.event)).toEqual(['message', 'read', 'state']);
      expect(events[1]!.id).toMatch(/^[0-9]+$/);
      expect(events[1]!.data).toMatchObject({ type: 'read', conversation_id: conversationId, reader: 'person' });
      expect(events[1]!.data.read_at).toBeGreaterThanOrEqual(before);
    } finally {
      stream.close();
    }
  });
});

describe('seen, the team side', () => {
  it('a teammate reading is a stored `seen` on the visitor’s stream and `team_seen_at` on the conversation; the team stream hears who read it', async () => {
    const { token, conversationId } = await conversation();
    const teamSide = await teamStream();
    try {
      const before = Date.now();
      const read = await teamRead(conversationId);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: conversationId, unread: false });
      const seenAt = read.body.team_seen_at as number;
      expect(seenAt).toBeGreaterThanOrEqual(before);

      const visitorSide = await visitorStream(token);
      try {
        const events = await received(visitorSide, 2);
        expect(events[1]).toEqual({
          id: events[1]!.id,
          event: 'seen',
          data: { id: events[1]!.id, type: 'seen', conversation_id: conversationId, seen_at: seenAt },
        });
        expect(events[1]!.id).toMatch(/^[0-9]+$/);
      } finally {
        visitorSide.close();
      }

      const list = await call(server, 'GET', `${messenger()}/conversations`, { token });
      expect(list.body.find((c: { id: string }) => c.id === conversationId).team_seen_at).toBe(seenAt);
      const thread = await call(server, 'GET', `${messenger()}/conversations/${conversationId}`, { token });
      expect(thread.body.conversation.team_seen_at).toBe(seenAt);

      const [teamEvent] = await received(teamSide, 1);
      expect(teamEvent!.data).toMatchObject({
        type: 'read',
        conversation_id: conversationId,
        reader: 'teammate',
        teammate_id: expect.any(String),
        read_at: seenAt,
      });
    } finally {
      teamSide.close();
    }
  });

  it('reading again with nothing new from the visitor moves nothing; a new visitor message read again is seen again', async () => {
    const { token, conversationId } = await conversation();
    const first = (await teamRead(conversationId)).body.team_seen_at as number;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await teamRead(conversationId);
    expect(again.status).toBe(200);
    expect(again.body.team_seen_at).toBe(first);
    expect(await teamSeenEvents(conversationId)).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, 5));
    await call(server, 'POST', `${messenger()}/conversations/${conversationId}/messages`, {
      token,
      body: { body: 'One more thing', client_id: 'more' },
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = (await teamRead(conversationId)).body.team_seen_at as number;
    expect(later).toBeGreaterThan(first);
    expect(await teamSeenEvents(conversationId)).toHaveLength(2);
  });
});

describe('seen, attacked', () => {
  it('a teammate read needs the team’s credentials and a conversation of the app; a refused one writes nothing', async () => {
    const { token, conversationId } = await conversation();
    const elsewhere = await conversation('other-app');
    const before = await tableCounts(server);
    const asVisitor = await call(server, 'POST', `${team()}/conversations/${conversationId}/read`, { token });
    expect(asVisitor.status).toBe(401);
    expect((await teamRead(elsewhere.conversationId)).status).toBe(404);
    expect((await teamRead('no-such-conversation')).status).toBe(404);
    expect(await tableCounts(server)).toEqual(before);
    const stored = await withDatabase(server, (db) =>
      db
        .selectFrom('conversations')
        .select('team_seen_at')
        .where('id', '=', elsewhere.conversationId)
        .executeTakeFirst(),
    );
    expect(stored!.team_seen_at).toBeNull();
  });
});
