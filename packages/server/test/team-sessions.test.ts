// Signing in: the session cookie's attributes, no enumeration, logout, listing and ending
// sessions, the one-time password link, changing the password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/passwords';
import { call, startTestServer, type TestServer, team, withDatabase } from './server-harness';
import { addTeammate, logIn, sessionCookieOf } from './teammates-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  call(server, 'POST', '/api/v1/auth/login', { body: { email, password }, headers });

describe('login', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie (not Secure over plain http) and answers the teammate', async () => {
    const agent = await addTeammate(server, { role: 'agent', name: 'Grace' });
    const answer = await login(agent.email.toUpperCase(), agent.password);
    expect(answer.status).toBe(200);
    expect(answer.body.teammate).toMatchObject({ id: agent.id, name: 'Grace', role: 'agent', has_password: true });
    const setCookie = answer.headers.getSetCookie().find((line) => line.startsWith('confab_session='))!;
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/Secure/);
    // Kept by the browser for the session's longest life (90 days); the server ends it when idle.
    const expires = Date.parse(/; Expires=([^;]+)/.exec(setCookie)![1]!);
    expect(expires - Date.now()).toBeGreaterThan(89 * 24 * 3600_000);
    const me = await call(server, 'GET', '/api/v1/me', { headers: { cookie: sessionCookieOf(answer.headers) } });
    expect(me.body).toMatchObject({ teammate: { id: agent.id }, via: 'session' });
  });

  it('a wrong email, a wrong password, a deactivated teammate and one without a password answer alike', async () => {
    const admin = await addTeammate(server, { role: 'admin' });
    const agent = await addTeammate(server, { role: 'agent' });
    const gone = await addTeammate(server, { role: 'agent' });
    await call(server, 'POST', `/api/v1/teammates/${gone.id}/deactivate`, { token: admin.token });
    const invited = await server.store.createTeammate(
      { email: 'invited-only@example.com', name: 'Ivy', role: 'agent', apps: ['*'] },
      Date.now(),
    );
    expect(invited).not.toBeNull();
    const answers = await Promise.all([
      login('nobody-at-all@example.com', agent.password),
      login(agent.email, 'not-the-password'),
      login(gone.email, gone.password),
      login('invited-only@example.com', ''),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(answers[0]!.body);
      expect(answer.headers.getSetCookie()).toEqual([]);
    }
    expect(answers[0]!.body.error).toMatchObject({ field: 'password' });
  });

  it('an unknown account does the same hashing work as a known one (a decoy hash, not an early answer)', async () => {
    // The decoy's parameters are the real ones: verifying against it costs what a real check costs.
    const real = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', real)).toBe(true);
    expect(await verifyPassword('correct horse battery', null)).toBe(false);
    expect(await verifyPassword('wrong', real)).toBe(false);
    expect(real).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{43}\$[\w-]{43}$/);
  });

  it('is Secure over https: behind a trusted proxy saying so, or with an https --public-url', async () => {
    const proxied = await startTestServer({ trustProxy: true });
    const public_ = await startTestServer({ publicUrl: 'https://support.example.com' });
    try {
      for (const [target, headers] of [
        [proxied, { 'x-forwarded-proto': 'https' }],
        [public_, {}],
      ] as const) {
        const agent = await addTeammate(target, { role: 'agent' });
        const answer = await call(target, 'POST', '/api/v1/auth/login', {
          body: { email: agent.email, password: agent.password },
          headers,
        });
        expect(answer.headers.getSetCookie().find((line) => line.startsWith('confab_session='))).toMatch(/; Secure/);
      }
    } finally {
      await proxied.stop();
      await public_.stop();
    }
  });

  it('stores sessions, tokens and links only hashed', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const cookie = await agent.cookie();
    const secret = cookie.split('=')[1]!;
    const dump = await withDatabase(server, async (db) =>
      JSON.stringify([
        await db.selectFrom('teammate_sessions').selectAll().execute(),
        await db.selectFrom('api_tokens').selectAll().execute(),
        await db.selectFrom('teammates').selectAll().execute(),
      ]),
    );
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(agent.token);
    expect(dump).not.toContain(agent.password);
  });
});

describe('sessions', () => {
  it('logout revokes the session: its cookie is refused from then on', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const cookie = await agent.cookie();
    const out = await call(server, 'POST', '/api/v1/auth/logout', { headers: { cookie, origin: server.url } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^confab_session=;/);
    const after = await call(server, 'GET', `${team()}/conversations`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(after.body.error.field).toBe('authorization');
  });

  it('a teammate lists their live sessions and ends another one; that one is refused, this one goes on', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const laptop = await agent.cookie();
    const phone = await logIn(server, agent.email, agent.password);
    const listed = await call(server, 'GET', '/api/v1/me/sessions', { headers: { cookie: laptop } });
    // addTeammate's own sign-in (to make its token) is live too.
    expect(listed.body.sessions).toHaveLength(3);
    const current = listed.body.sessions.filter((s: { current: boolean }) => s.current);
    expect(current).toHaveLength(1);
    expect(listed.body.sessions[0]).toMatchObject({ ip: '127.0.0.1', user_agent: expect.any(String) });
    const phoneSession = (await call(server, 'GET', '/api/v1/me', { headers: { cookie: phone } })).status;
    expect(phoneSession).toBe(200);
    const phoneId = (
      await call(server, 'GET', '/api/v1/me/sessions', { headers: { cookie: phone } })
    ).body.sessions.find((s: { current: boolean }) => s.current).id;
    const ended = await call(server, 'DELETE', `/api/v1/me/sessions/${phoneId}`, {
      headers: { cookie: laptop, origin: server.url },
    });
    expect(ended.status).toBe(204);
    expect((await call(server, 'GET', '/api/v1/me', { headers: { cookie: phone } })).status).toBe(401);
    expect((await call(server, 'GET', '/api/v1/me', { headers: { cookie: laptop } })).status).toBe(200);
    const again = await call(server, 'DELETE', `/api/v1/me/sessions/${phoneId}`, {
      headers: { cookie: laptop, origin: server.url },
    });
    expect(again.status).toBe(404);
    expect(again.body.error.field).toBe('session_id');
  });

  it("another teammate's session cannot be ended by its id", async () => {
    const one = await addTeammate(server, { role: 'agent' });
    const other = await addTeammate(server, { role: 'agent' });
    const otherCookie = await other.cookie();
    const otherId = (
      await call(server, 'GET', '/api/v1/me/sessions', { headers: { cookie: otherCookie } })
    ).body.sessions.find((s: { current: boolean }) => s.current).id;
    const attempt = await call(server, 'DELETE', `/api/v1/me/sessions/${otherId}`, { token: one.token });
    expect(attempt.status).toBe(404);
    expect((await call(server, 'GET', '/api/v1/me', { headers: { cookie: otherCookie } })).status).toBe(200);
  });
});

describe('session lifetime', () => {
  it('a session ends 14 days after its last use, and at most 90 days after sign-in', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const token = (await agent.cookie()).split('=')[1]!;
    const day = 24 * 3600_000;
    const start = Date.now();
    expect(await server.store.teammateSession(token, start + 13 * day)).not.toBeNull();
    // Used on day 13: good until day 27, not 14.
    expect(await server.store.teammateSession(token, start + 26 * day)).not.toBeNull();
    expect(await server.store.teammateSession(token, start + 26 * day + 14 * day + 1)).toBeNull();
    const daily = (await agent.cookie()).split('=')[1]!;
    for (let d = 10; d < 90; d += 10) expect(await server.store.teammateSession(daily, start + d * day)).not.toBeNull();
    expect(await server.store.teammateSession(daily, start + 91 * day)).toBeNull();
  });
});

describe('passwords', () => {
  it('the link sets the password once: used again, it is refused and the password stays', async () => {
    const created = await server.store.createTeammate(
      { email: 'Link.Once@Example.com', name: 'Lin', role: 'agent', apps: ['acme'] },
      Date.now(),
    );
    expect(created!.teammate.email).toBe('link.once@example.com');
    const first = await call(server, 'POST', '/api/v1/auth/password', {
      body: { token: created!.link.token, password: 'first password 1' },
    });
    expect(first.status).toBe(200);
    const second = await call(server, 'POST', '/api/v1/auth/password', {
      body: { token: created!.link.token, password: 'an attacker password' },
    });
    expect(second.status).toBe(400);
    expect(second.body.error.field).toBe('token');
    expect((await login('link.once@example.com', 'first password 1')).status).toBe(200);
    expect((await login('link.once@example.com', 'an attacker password')).status).toBe(401);
  });

  it('two uses of one link at once: one sets the password, the other is refused', async () => {
    const created = await server.store.createTeammate(
      { email: 'race@example.com', name: 'Race', role: 'agent', apps: ['acme'] },
      Date.now(),
    );
    const answers = await Promise.all(
      ['first racing password', 'second racing password'].map((password) =>
        call(server, 'POST', '/api/v1/auth/password', { body: { token: created!.link.token, password } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    const winner = answers[0]!.status === 200 ? 'first racing password' : 'second racing password';
    const loser = winner.startsWith('first') ? 'second racing password' : 'first racing password';
    expect((await login('race@example.com', winner)).status).toBe(200);
    expect((await login('race@example.com', loser)).status).toBe(401);
  });

  it('an expired link is refused; a short password is refused naming it', async () => {
    const created = await server.store.createTeammate(
      { email: 'late@example.com', name: 'Late', role: 'agent', apps: ['acme'] },
      Date.now() - 8 * 24 * 3600_000,
    );
    const expired = await call(server, 'POST', '/api/v1/auth/password', {
      body: { token: created!.link.token, password: 'long enough password' },
    });
    expect(expired.status).toBe(400);
    expect(expired.body.error.field).toBe('token');
    const fresh = await server.store.createPasswordLink(created!.teammate.id, Date.now());
    const short = await call(server, 'POST', '/api/v1/auth/password', {
      body: { token: fresh!.token, password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe('body.password');
  });

  it('changing the password needs the current one, and ends every other session', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const here = await agent.cookie();
    const elsewhere = await agent.cookie();
    const headers = { cookie: here, origin: server.url };
    const wrong = await call(server, 'PUT', '/api/v1/me/password', {
      headers,
      body: { current_password: 'not it at all', new_password: 'a brand new password' },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.field).toBe('current_password');
    const byToken = await call(server, 'PUT', '/api/v1/me/password', {
      token: agent.token,
      body: { current_password: agent.password, new_password: 'a brand new password' },
    });
    expect(byToken.status).toBe(403);
    const changed = await call(server, 'PUT', '/api/v1/me/password', {
      headers,
      body: { current_password: agent.password, new_password: 'a brand new password' },
    });
    expect(changed.status).toBe(200);
    expect((await call(server, 'GET', '/api/v1/me', { headers: { cookie: elsewhere } })).status).toBe(401);
    expect((await call(server, 'GET', '/api/v1/me', { headers: { cookie: here } })).status).toBe(200);
    expect((await login(agent.email, agent.password)).status).toBe(401);
    expect((await login(agent.email, 'a brand new password')).status).toBe(200);
  });
});
