// The team stream, typing and reads as teammates use them: only the apps a teammate reaches, only
// while they still may (deactivated, or their token revoked, the open stream ends), their own
// name and avatar on their typing, their id on their reads, their streams counted together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, call, messenger, startTestServer, type TestServer, team } from './server-harness';
import { openRawStream, received } from './sse-blocks';
import { addTeammate } from './teammates-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ streamCaps: { perSession: 2, perIp: 100_000 } });
});
afterAll(() => server.stop());

const teamStream = (token: string, appId = 'acme') =>
  openRawStream(`${server.url}${team(appId)}/stream`, { authorization: `Bearer ${token}` });

async function conversation(appId = 'acme', body = 'Hello') {
  const visitor = await boot(server, { app_id: appId });
  const started = await call(server, 'POST', `${messenger(appId)}/conversations`, {
    token: visitor.session.token,
    body: { body, client_id: `c-${Math.random()}` },
  });
  return { token: visitor.session.token, conversationId: started.body.conversation.id as string };
}

describe('the team stream, teammate by teammate', () => {
  it('a teammate of another app is refused this app’s stream (403) and hears nothing of it on their own', async () => {
    const outsider = await addTeammate(server, { role: 'agent', apps: ['other-app'] });
    const refused = await call(server, 'GET', `${team('acme')}/stream`, { token: outsider.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.field).toBe('app_id');
    const cookieRefused = await fetch(`${server.url}${team('acme')}/stream`, {
      headers: { cookie: await outsider.cookie() },
    });
    expect(cookieRefused.status).toBe(403);
    await cookieRefused.body?.cancel();

    const own = await teamStream(outsider.token, 'other-app');
    try {
      const inAcme = await conversation('acme', 'acme secret');
      const inOther = await conversation('other-app', 'for the other app');
      const events = await received(own, 2);
      expect(events.map((e) => e.data.conversation?.id ?? e.data.conversation_id)).toEqual([
        inOther.conversationId,
        inOther.conversationId,
      ]);
      expect(own.text()).not.toContain(inAcme.conversationId);
      expect(own.text()).not.toContain('acme secret');
    } finally {
      own.close();
    }
  });

  it('an open stream ends once its teammate is deactivated, or their API token revoked; reconnecting is refused', async () => {
    const admin = await addTeammate(server, { role: 'admin' });
    const leaving = await addTeammate(server, { role: 'agent' });
    const revoking = await addTeammate(server, { role: 'agent' });
    const staying = await addTeammate(server, { role: 'agent' });
    const leavingStream = await teamStream(leaving.token);
    const revokingStream = await teamStream(revoking.token);
    const stayingStream = await teamStream(staying.token);
    try {
      const deactivated = await call(server, 'POST', `/api/v1/teammates/${leaving.id}/deactivate`, {
        token: admin.token,
      });
      expect(deactivated.status).toBe(200);
      const tokens = await call(server, 'GET', '/api/v1/me/tokens', { token: revoking.token });
      const revoked = await call(server, 'DELETE', `/api/v1/me/tokens/${tokens.body.tokens[0].id}`, {
        token: revoking.token,
      });
      expect(revoked.status).toBe(204);

      // News keeps coming: the streams check their credentials again before they read it.
      let ended = false;
      void Promise.all([leavingStream.ended, revokingStream.ended]).then(() => (ended = true));
      for (let i = 0; i < 100 && !ended; i++) {
        await conversation('acme', `news ${i}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(ended).toBe(true);
      // The one who stays hears everything.
      await expect.poll(() => stayingStream.blocks.length).toBeGreaterThanOrEqual(2);
      expect(stayingStream.text()).toContain('news 0');

      for (const token of [leaving.token, revoking.token])
        expect((await call(server, 'GET', `${team()}/stream`, { token })).status).toBe(401);
    } finally {
      leavingStream.close();
      revokingStream.close();
      stayingStream.close();
    }
  });

  it("a teammate's streams are counted together: past the cap, their oldest ends; another teammate's are not touched", async () => {
    const busy = await addTeammate(server, { role: 'agent' });
    const other = await addTeammate(server, { role: 'agent' });
    const othersStream = await teamStream(other.token);
    const first = await teamStream(busy.token);
    const second = await openRawStream(`${server.url}${team()}/stream`, { cookie: await busy.cookie() });
    const third = await teamStream(busy.token);
    try {
      await first.ended;
      expect(first.text()).toContain('streams open, the most it may (--max-streams-per-session)');
      const { conversationId } = await conversation('acme', 'after the cap');
      for (const stream of [second, third, othersStream]) {
        const [created] = await received(stream, 1);
        expect(created!.data.conversation.id).toBe(conversationId);
      }
    } finally {
      for (const stream of [first, second, third, othersStream]) stream.close();
    }
  });
});

describe('typing and reads, as teammates', () => {
  it("a teammate's typing carries their name and avatar to the visitor, and their id to the team; their read carries their id", async () => {
    const ann = await addTeammate(server, { role: 'agent', name: 'Ann Agent' });
    await server.store.updateTeammate(ann.id, { avatar_url: 'https://example.com/ann.png' }, Date.now());
    const colleague = await addTeammate(server, { role: 'agent' });
    const { token, conversationId } = await conversation();
    const visitorSide = await openRawStream(`${server.url}${messenger()}/stream`, { authorization: `Bearer ${token}` });
    const teamSide = await teamStream(colleague.token);
    try {
      const typing = await call(server, 'POST', `${team()}/conversations/${conversationId}/typing`, {
        token: ann.token,
      });
      expect(typing.status).toBe(204);
      await expect.poll(() => visitorSide.blocks.some((e) => e.event === 'typing')).toBe(true);
      expect(visitorSide.blocks.find((e) => e.event === 'typing')!.data).toEqual({
        type: 'typing',
        conversation_id: conversationId,
        author_name: 'Ann Agent',
        author_avatar_url: 'https://example.com/ann.png',
      });
      const [toTeam] = await received(teamSide, 1);
      expect(toTeam!.data).toEqual({
        type: 'typing',
        conversation_id: conversationId,
        author: 'team',
        teammate_id: ann.id,
        author_name: 'Ann Agent',
        author_avatar_url: 'https://example.com/ann.png',
      });

      // A cookie-signed read from this server's own page counts as Ann's.
      const read = await call(server, 'POST', `${team()}/conversations/${conversationId}/read`, {
        headers: await ann.sessionHeaders(),
      });
      expect(read.status).toBe(200);
      const [, readEvent] = await received(teamSide, 2);
      expect(readEvent!.data).toMatchObject({ type: 'read', reader: 'teammate', teammate_id: ann.id });
      // A cookie-signed write from another site is refused, and reads nothing.
      const forged = await call(server, 'POST', `${team()}/conversations/${conversationId}/typing`, {
        headers: { cookie: await ann.cookie(), origin: 'https://evil.example' },
      });
      expect(forged.status).toBe(403);
    } finally {
      visitorSide.close();
      teamSide.close();
    }
  });
});
