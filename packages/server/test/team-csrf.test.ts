// Cross-site request forgery: a page of another site can make a browser send the session cookie,
// so a cookie-signed write must come from the server's own origin. Bearer tokens are not sent by
// browsers on their own and are not subject to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, call, messenger, startTestServer, type TestServer, team } from './server-harness';
import { addTeammate } from './teammates-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function openConversation() {
  const visitor = await boot(server);
  const started = await call(server, 'POST', `${messenger()}/conversations`, {
    token: visitor.session.token,
    body: { body: 'help', client_id: `csrf-${Date.now()}-${Math.random()}` },
  });
  return started.body.conversation.id as string;
}

describe('cookie-signed writes', () => {
  it('from another origin are refused (403 naming origin) and write nothing; from this origin they pass', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const cookie = await agent.cookie();
    const conversation = await openConversation();
    const reply = (headers: Record<string, string>) =>
      call(server, 'POST', `${team()}/conversations/${conversation}/reply`, {
        headers: { cookie, ...headers },
        body: { body: 'from the team' },
      });
    const forged = await reply({ origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect(forged.body.error).toMatchObject({ code: 'forbidden', field: 'origin' });
    const crossSite = await reply({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const noOrigin = await reply({});
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.body.error.field).toBe('origin');
    const read = await call(server, 'GET', `${team()}/conversations/${conversation}`, { headers: { cookie } });
    expect(read.status).toBe(200);
    expect(read.body.thread.map((m: { body: string }) => m.body)).toEqual(['help']);

    const sameOrigin = await reply({ origin: server.url });
    const fetchMetadata = await reply({ 'sec-fetch-site': 'same-origin' });
    expect([sameOrigin.status, fetchMetadata.status]).toEqual([200, 200]);
  });

  it('on the account routes too: another origin cannot make a token or end a session by cookie', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const cookie = await agent.cookie();
    const before = await call(server, 'GET', '/api/v1/me/tokens', { token: agent.token });
    const forged = await call(server, 'POST', '/api/v1/me/tokens', {
      headers: { cookie, origin: 'https://evil.example' },
      body: { name: 'stolen', apps: ['*'] },
    });
    expect(forged.status).toBe(403);
    const logout = await call(server, 'POST', '/api/v1/auth/logout', {
      headers: { cookie, origin: 'http://127.0.0.1:1' },
    });
    expect(logout.status).toBe(403);
    const after = await call(server, 'GET', '/api/v1/me/tokens', { token: agent.token });
    expect(after.body.tokens).toEqual(before.body.tokens);
    expect((await call(server, 'GET', '/api/v1/me', { headers: { cookie } })).status).toBe(200);
  });

  it('a bearer token is not cookie-authenticated: its writes pass whatever their Origin', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const conversation = await openConversation();
    const answer = await call(server, 'POST', `${team()}/conversations/${conversation}/reply`, {
      token: agent.token,
      headers: { origin: 'https://tools.example' },
      body: { body: 'from a script' },
    });
    expect(answer.status).toBe(200);
  });

  it('a login posted from another site is refused (no signing a browser into an attacker’s account)', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const forged = await call(server, 'POST', '/api/v1/auth/login', {
      headers: { origin: 'https://evil.example' },
      body: { email: agent.email, password: agent.password },
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.field).toBe('origin');
    expect(forged.headers.getSetCookie()).toEqual([]);
  });

  it('--public-url is an origin of the server too (a proxy that rewrites Host)', async () => {
    const behindProxy = await startTestServer({ publicUrl: 'https://support.example.com/confab' });
    try {
      const agent = await addTeammate(behindProxy, { role: 'agent' });
      const cookie = await agent.cookie();
      const write = (origin: string) =>
        call(behindProxy, 'PATCH', '/api/v1/me', { headers: { cookie, origin }, body: { name: 'Renamed' } });
      expect((await write('https://support.example.com')).status).toBe(200);
      expect((await write('https://support.example.com.evil.example')).status).toBe(403);
    } finally {
      await behindProxy.stop();
    }
  });
});
