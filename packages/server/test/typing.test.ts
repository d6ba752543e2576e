// Typing, both ways: the visitor's reaches the app's team streams, a teammate's reaches the
// visitor's stream as the protocol's EphemeralEvent (and the other teammates'); written without an
// id, never replayed, never stored, rate limited; a visitor types only into their own conversation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostgresUrl, openPostgres } from '../src/db/postgres';
import { openSqlite } from '../src/db/sqlite';
import { ephemeralPayload } from '../src/postgres-realtime';
import { TYPING_LIMIT } from '../src/rate-limits';
import { boot, call, messenger, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';
import { openRawStream, received } from './sse-blocks';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ teamName: 'Acme Support' });
});
afterAll(() => server.stop());

const teamStream = (appId = 'acme') =>
  openRawStream(`${server.url}${team(appId)}/stream`, { authorization: `Bearer ${TEAM_TOKEN}` });
const visitorStream = (token: string, lastEventId?: string) =>
  openRawStream(`${server.url}${messenger()}/stream`, {
    authorization: `Bearer ${token}`,
    ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
  });

async function conversation(target: TestServer | string = server) {
  const on = typeof target === 'string' ? server : target;
  const appId = typeof target === 'string' ? target : 'acme';
  const visitor = await boot(on, { app_id: appId });
  const started = await call(on, 'POST', `${messenger(appId)}/conversations`, {
    token: visitor.session.token,
    body: { body: 'Hello', client_id: `c-${Math.random()}` },
  });
  return { visitor, token: visitor.session.token, conversationId: started.body.conversation.id as string };
}

const visitorTyping = (token: string, conversationId: string, appId = 'acme') =>
  call(server, 'POST', `${messenger(appId)}/conversations/${conversationId}/typing`, { token });
const teamTyping = (conversationId: string, appId = 'acme') =>
  call(server, 'POST', `${team(appId)}/conversations/${conversationId}/typing`, { token: TEAM_TOKEN });

/**
 * Every row of every table, read straight from the database, but the request counters (the rate
 * limits PostgreSQL keeps for every request) and the migrations' own record.
 */
async function everyRow(): Promise<Record<string, unknown[]>> {
  const { db, close } = isPostgresUrl(server.config.db)
    ? openPostgres(server.config.db, { max: 1 })
    : openSqlite(server.config.db);
  try {
    const tables = (await db.introspection.getTables())
      .map((t) => t.name)
      .filter((name) => name !== 'rate_limits' && !name.startsWith('kysely_'));
    expect(tables).toEqual(expect.arrayContaining(['messages', 'realtime_events', 'team_events', 'conversations']));
    const rows: Record<string, unknown[]> = {};
    // biome-ignore lint/suspicious/noExplicitAny: every table, whatever its columns.
    for (const table of tables) rows[table] = await (db as any).selectFrom(table).selectAll().execute();
    return rows;
  } finally {
    await close();
  }
}

describe('typing', () => {
  it("the visitor's typing reaches the team stream without an id; a teammate's reaches the visitor's stream as an EphemeralEvent and the team's", async () => {
    const { visitor, token, conversationId } = await conversation();
    const teamSide = await teamStream();
    const visitorSide = await visitorStream(token);
    try {
      expect((await visitorTyping(token, conversationId)).status).toBe(204);
      const [fromVisitor] = await received(teamSide, 1);
      expect(fromVisitor).toEqual({
        id: undefined,
        event: 'typing',
        data: { type: 'typing', conversation_id: conversationId, author: 'person', person_id: visitor.person.id },
      });

      expect((await teamTyping(conversationId)).status).toBe(204);
      // The stream starts where the session did: the conversation's first message comes first.
      await expect.poll(() => visitorSide.blocks.filter((e) => e.event === 'typing').length).toBe(1);
      const toVisitor = visitorSide.blocks.find((e) => e.event === 'typing');
      expect(toVisitor).toEqual({
        id: undefined,
        event: 'typing',
        data: { type: 'typing', conversation_id: conversationId, author_name: 'Acme Support' },
      });
      const [, toTeam] = await received(teamSide, 2);
      expect(toTeam!.id).toBeUndefined();
      expect(toTeam!.data).toMatchObject({
        type: 'typing',
        conversation_id: conversationId,
        author: 'team',
        author_name: 'Acme Support',
      });
      // Written as `event: typing` and `data:` alone: a client's Last-Event-ID stays that of the last stored event.
      expect(visitorSide.text()).toContain(`\n\nevent: typing\ndata: ${JSON.stringify(toVisitor!.data)}\n\n`);
    } finally {
      teamSide.close();
      visitorSide.close();
    }
  });

  it('is never stored: every table holds the same rows after typing both ways, and a resumed stream does not replay it', async () => {
    const { token, conversationId } = await conversation();
    // The reply gives the visitor's stream a stored event to resume from.
    await call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'Hi' },
    });
    const before = await everyRow();
    const visitorSide = await visitorStream(token, '0');
    const teamSide = await teamStream();
    try {
      const stored = await received(visitorSide, 2);
      expect(stored.map((e) => e.event)).toEqual(['message', 'message']);
      expect((await visitorTyping(token, conversationId)).status).toBe(204);
      expect((await teamTyping(conversationId)).status).toBe(204);
      await received(visitorSide, 3);
      await received(teamSide, 2);
    } finally {
      visitorSide.close();
      teamSide.close();
    }
    expect(await everyRow()).toEqual(before);

    const resumed = await visitorStream(token, '0');
    try {
      await received(resumed, 2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(resumed.blocks.map((e) => e.event)).toEqual(['message', 'message']);
    } finally {
      resumed.close();
    }
  });

  it('is rate limited per session and per teammate: past the limit a 429 with Retry-After; another session still types', async () => {
    // A server of its own: the shared team token is one teammate, whose allowance the other tests use.
    const own = await startTestServer();
    const [{ token, conversationId }, other] = await Promise.all([conversation(own), conversation(own)]);
    const visitorTyping = (token: string, conversationId: string) =>
      call(own, 'POST', `${messenger()}/conversations/${conversationId}/typing`, { token });
    const teamTyping = (conversationId: string) =>
      call(own, 'POST', `${team()}/conversations/${conversationId}/typing`, { token: TEAM_TOKEN });
    for (let i = 0; i < TYPING_LIMIT.points; i++) expect((await visitorTyping(token, conversationId)).status).toBe(204);
    const refused = await visitorTyping(token, conversationId);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await visitorTyping(other.token, other.conversationId)).status).toBe(204);

    for (let i = 0; i < TYPING_LIMIT.points; i++) expect((await teamTyping(conversationId)).status).toBe(204);
    const teamRefused = await teamTyping(conversationId);
    expect(teamRefused.status).toBe(429);
    expect(Number(teamRefused.headers.get('retry-after'))).toBeGreaterThan(0);
    await own.stop();
  });
});

describe('typing, attacked', () => {
  it("a visitor cannot type into another's conversation, nor another app's; nothing reaches the team", async () => {
    const victim = await conversation();
    const attacker = await conversation();
    const elsewhere = await conversation('other-app');
    const teamSide = await teamStream();
    const otherTeamSide = await teamStream('other-app');
    try {
      const intoVictims = await visitorTyping(attacker.token, victim.conversationId);
      expect(intoVictims.status).toBe(404);
      const unknown = await visitorTyping(attacker.token, 'no-such-conversation');
      expect(unknown.status).toBe(404);
      expect(intoVictims.body.error.message).toBe(
        unknown.body.error.message.replace('no-such-conversation', victim.conversationId),
      );
      // Another app's conversation, through that app's path with this app's session: no session there.
      expect((await visitorTyping(attacker.token, elsewhere.conversationId, 'other-app')).status).toBe(401);
      // Another app's conversation through this app's path: not found.
      expect((await visitorTyping(attacker.token, elsewhere.conversationId)).status).toBe(404);
      expect((await call(server, 'POST', `${messenger()}/conversations/${victim.conversationId}/typing`)).status).toBe(
        401,
      );
      // The team hears the attacker's typing in their own conversation, and only that.
      expect((await visitorTyping(attacker.token, attacker.conversationId)).status).toBe(204);
      const [only] = await received(teamSide, 1);
      expect(only!.data.conversation_id).toBe(attacker.conversationId);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(teamSide.blocks).toHaveLength(1);
      expect(otherTeamSide.blocks).toHaveLength(0);
    } finally {
      teamSide.close();
      otherTeamSide.close();
    }
  });

  it("the team's typing needs the team's credentials and a conversation of the app", async () => {
    const { token, conversationId } = await conversation();
    const elsewhere = await conversation('other-app');
    const visitorSide = await visitorStream(token);
    try {
      const asVisitor = await call(server, 'POST', `${team()}/conversations/${conversationId}/typing`, { token });
      expect(asVisitor.status).toBe(401);
      expect((await teamTyping(elsewhere.conversationId)).status).toBe(404);
      expect((await teamTyping('no-such-conversation')).status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(visitorSide.blocks.filter((e) => e.event === 'typing')).toHaveLength(0);
    } finally {
      visitorSide.close();
    }
  });
});

describe("typing's NOTIFY payload (PostgreSQL refuses 8000 bytes or more)", () => {
  const target = (name: string, avatar?: string) => ({
    app_id: 'acme',
    person_id: 'p1',
    event: {
      type: 'typing' as const,
      conversation_id: 'c1',
      author_name: name,
      ...(avatar ? { author_avatar_url: avatar } : {}),
    },
  });
  it('is the event whole when it fits, without the avatar when that makes it fit, and nothing when even that does not', () => {
    const small = target('Ann', 'https://example.com/a.png');
    expect(JSON.parse(ephemeralPayload(small)!)).toEqual(small);
    const hugeAvatar = target('Ann', `https://example.com/${'a'.repeat(9_000)}`);
    const payload = ephemeralPayload(hugeAvatar)!;
    expect(Buffer.byteLength(payload)).toBeLessThan(8_000);
    expect(JSON.parse(payload).event).toEqual({ type: 'typing', conversation_id: 'c1', author_name: 'Ann' });
    expect(ephemeralPayload(target('é'.repeat(4_000)))).toBeUndefined();
  });
});
