// Admins manage teammates (invite, list, change, deactivate, reactivate); agents cannot. API tokens: shown
// once, stored hashed, scoped to apps, revocable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';
import { addTeammate, logIn } from './teammates-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const tokenOf = (url: string) => decodeURIComponent(new URL(url).hash.replace(/^#token=/, ''));

describe('admins', () => {
  it('invite a teammate: the one-time link sets their password, and they sign in', async () => {
    const admin = await addTeammate(server, { role: 'admin' });
    const invite = await call(server, 'POST', '/api/v1/teammates', {
      token: admin.token,
      body: { email: 'New.Agent@Example.com', name: 'Nia', role: 'agent', apps: ['acme'] },
    });
    expect(invite.status).toBe(201);
    expect(invite.body.teammate).toMatchObject({
      email: 'new.agent@example.com',
      name: 'Nia',
      role: 'agent',
      apps: ['acme'],
      has_password: false,
    });
    const link = new URL(invite.body.password_link.url);
    expect(`${link.origin}${link.pathname}`).toBe(`${server.url}/inbox/set-password`);
    const set = await call(server, 'POST', '/api/v1/auth/password', {
      body: { token: tokenOf(invite.body.password_link.url), password: 'nia password 123' },
    });
    expect(set.status).toBe(200);
    const cookie = await logIn(server, 'new.agent@example.com', 'nia password 123');
    expect((await call(server, 'GET', `${team('acme')}/conversations`, { headers: { cookie } })).status).toBe(200);
    expect((await call(server, 'GET', `${team('beta')}/conversations`, { headers: { cookie } })).status).toBe(403);

    const listed = await call(server, 'GET', '/api/v1/teammates', { headers: { cookie: await admin.cookie() } });
    expect(listed.body.teammates.map((t: { email: string }) => t.email)).toContain('new.agent@example.com');
    expect(listed.body.teammates.map((t: { id: string }) => t.id)).not.toContain('team-token');
    const duplicate = await call(server, 'POST', '/api/v1/teammates', {
      token: admin.token,
      body: { email: 'NEW.agent@example.com', name: 'Again', role: 'agent', apps: ['acme'] },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.field).toBe('email');
  });

  it('agents (and the team token) get 403 on every admin route', async () => {
    const admin = await addTeammate(server, { role: 'admin' });
    const agent = await addTeammate(server, { role: 'agent' });
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/teammates'],
      ['POST', '/api/v1/teammates', { email: 'x@example.com', name: 'X', role: 'admin', apps: ['*'] }],
      ['GET', `/api/v1/teammates/${admin.id}`],
      ['PATCH', `/api/v1/teammates/${admin.id}`, { role: 'agent' }],
      ['PATCH', `/api/v1/teammates/${agent.id}`, { role: 'admin' }],
      ['POST', `/api/v1/teammates/${admin.id}/deactivate`],
      ['POST', `/api/v1/teammates/${admin.id}/reactivate`],
      ['POST', `/api/v1/teammates/${admin.id}/password_link`],
    ];
    const cookie = await agent.cookie();
    for (const [method, path, body] of routes) {
      for (const credentials of [
        { token: agent.token },
        { headers: { cookie, origin: server.url } },
        { token: TEAM_TOKEN },
      ]) {
        const answer = await call(server, method, path, { ...credentials, ...(body ? { body } : {}) });
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 403 });
        expect(answer.body.error.field).toBe('authorization');
      }
    }
    const me = await call(server, 'GET', '/api/v1/me', { token: agent.token });
    expect(me.body.teammate.role).toBe('agent');
    const adminNow = (await call(server, 'GET', '/api/v1/me', { token: admin.token })).body.teammate;
    expect(adminNow.role).toBe('admin');
    expect(adminNow.deactivated_at).toBeUndefined();
  });

  it('change a role: a promoted agent manages teammates; the last admin cannot be demoted', async () => {
    const lone = await startTestServer();
    try {
      const admin = await addTeammate(lone, { role: 'admin' });
      const agent = await addTeammate(lone, { role: 'agent' });
      const demoteSelf = await call(lone, 'PATCH', `/api/v1/teammates/${admin.id}`, {
        token: admin.token,
        body: { role: 'agent' },
      });
      expect(demoteSelf.status).toBe(409);
      const promote = await call(lone, 'PATCH', `/api/v1/teammates/${agent.id}`, {
        token: admin.token,
        body: { role: 'admin' },
      });
      expect(promote.body.teammate.role).toBe('admin');
      expect((await call(lone, 'GET', '/api/v1/teammates', { token: agent.token })).status).toBe(200);
    } finally {
      await lone.stop();
    }
  });

  it('deactivating a teammate ends all their sessions and tokens at once; they cannot sign in', async () => {
    const admin = await addTeammate(server, { role: 'admin' });
    const agent = await addTeammate(server, { role: 'agent' });
    const cookies = [await agent.cookie(), await agent.cookie()];
    const deactivated = await call(server, 'POST', `/api/v1/teammates/${agent.id}/deactivate`, { token: admin.token });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.teammate.deactivated_at).toEqual(expect.any(Number));
    for (const cookie of cookies)
      expect((await call(server, 'GET', `${team()}/conversations`, { headers: { cookie } })).status).toBe(401);
    expect((await call(server, 'GET', `${team()}/conversations`, { token: agent.token })).status).toBe(401);
    const login = await call(server, 'POST', '/api/v1/auth/login', {
      body: { email: agent.email, password: agent.password },
    });
    expect(login.status).toBe(401);
    const link = await call(server, 'POST', `/api/v1/teammates/${agent.id}/password_link`, { token: admin.token });
    expect(link.status).toBe(409);
  });

  it('reactivating lets the teammate sign in again with their password; what deactivation ended stays ended', async () => {
    const admin = await addTeammate(server, { role: 'admin' });
    const agent = await addTeammate(server, { role: 'agent', apps: ['acme'] });
    const oldCookie = await agent.cookie();
    await call(server, 'POST', `/api/v1/teammates/${agent.id}/deactivate`, { token: admin.token });
    const reactivated = await call(server, 'POST', `/api/v1/teammates/${agent.id}/reactivate`, {
      headers: await admin.sessionHeaders(),
    });
    expect(reactivated.status).toBe(200);
    expect(reactivated.body.teammate).toMatchObject({ id: agent.id, role: 'agent', apps: ['acme'] });
    expect(reactivated.body.teammate.deactivated_at).toBeUndefined();
    const listed = await call(server, 'GET', `/api/v1/teammates/${agent.id}`, { token: admin.token });
    expect(listed.body.teammate.deactivated_at).toBeUndefined();

    expect((await call(server, 'GET', `${team()}/conversations`, { headers: { cookie: oldCookie } })).status).toBe(401);
    expect((await call(server, 'GET', `${team()}/conversations`, { token: agent.token })).status).toBe(401);
    const cookie = await logIn(server, agent.email, agent.password);
    expect((await call(server, 'GET', `${team()}/conversations`, { headers: { cookie } })).status).toBe(200);
    const link = await call(server, 'POST', `/api/v1/teammates/${agent.id}/password_link`, { token: admin.token });
    expect(link.status).toBe(200);

    // An active teammate's reactivation changes nothing.
    const again = await call(server, 'POST', `/api/v1/teammates/${agent.id}/reactivate`, { token: admin.token });
    expect(again.status).toBe(200);
    expect(again.body.teammate.updated_at).toBe(reactivated.body.teammate.updated_at);
  });

  it('reactivation is refused to an agent (who stays deactivated), and for an unknown id or the team token’s teammate', async () => {
    const admin = await addTeammate(server, { role: 'admin' });
    const agent = await addTeammate(server, { role: 'agent' });
    const gone = await addTeammate(server, { role: 'agent' });
    await call(server, 'POST', `/api/v1/teammates/${gone.id}/deactivate`, { token: admin.token });
    for (const credentials of [
      { token: agent.token },
      { headers: await agent.sessionHeaders() },
      { token: TEAM_TOKEN },
    ]) {
      const refused = await call(server, 'POST', `/api/v1/teammates/${gone.id}/reactivate`, credentials);
      expect(refused.status).toBe(403);
      expect(refused.body.error.field).toBe('authorization');
    }
    const still = await call(server, 'GET', `/api/v1/teammates/${gone.id}`, { token: admin.token });
    expect(still.body.teammate.deactivated_at).toEqual(expect.any(Number));
    const login = await call(server, 'POST', '/api/v1/auth/login', {
      body: { email: gone.email, password: gone.password },
    });
    expect(login.status).toBe(401);
    for (const id of ['nobody', 'team-token']) {
      const unknown = await call(server, 'POST', `/api/v1/teammates/${id}/reactivate`, { token: admin.token });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.field).toBe('teammate_id');
    }
    const crossSite = await call(server, 'POST', `/api/v1/teammates/${gone.id}/reactivate`, {
      headers: { cookie: await admin.cookie(), origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.field).toBe('origin');
    expect(
      (await call(server, 'GET', `/api/v1/teammates/${gone.id}`, { token: admin.token })).body.teammate.deactivated_at,
    ).toEqual(expect.any(Number));
  });

  it('an admin grants only the apps they reach', async () => {
    const acmeAdmin = await addTeammate(server, { role: 'admin', apps: ['acme'] });
    for (const apps of [['beta'], ['*'], ['acme', 'beta']]) {
      const answer = await call(server, 'POST', '/api/v1/teammates', {
        token: acmeAdmin.token,
        body: { email: `scoped-${apps.join('-')}@example.com`, name: 'S', role: 'agent', apps },
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error.field).toBe('apps');
    }
  });

  it('a reset link from an admin replaces the earlier link', async () => {
    const admin = await addTeammate(server, { role: 'admin' });
    const invite = await call(server, 'POST', '/api/v1/teammates', {
      token: admin.token,
      body: { email: 'reset-me@example.com', name: 'R', role: 'agent', apps: ['acme'] },
    });
    const reset = await call(server, 'POST', `/api/v1/teammates/${invite.body.teammate.id}/password_link`, {
      token: admin.token,
    });
    const old = await call(server, 'POST', '/api/v1/auth/password', {
      body: { token: tokenOf(invite.body.password_link.url), password: 'the old link password' },
    });
    expect(old.status).toBe(400);
    const fresh = await call(server, 'POST', '/api/v1/auth/password', {
      body: { token: tokenOf(reset.body.password_link.url), password: 'the new link password' },
    });
    expect(fresh.status).toBe(200);
  });
});

describe('API tokens', () => {
  it('are shown once, listed without their secret, and never reach an app outside their scope', async () => {
    const agent = await addTeammate(server, { role: 'agent', apps: ['acme', 'beta'] });
    const headers = await agent.sessionHeaders();
    const made = await call(server, 'POST', '/api/v1/me/tokens', {
      headers,
      body: { name: 'acme only', apps: ['acme'] },
    });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^confab_/);
    expect(made.body.api_token).toMatchObject({ name: 'acme only', apps: ['acme'] });
    expect((await call(server, 'GET', `${team('acme')}/conversations`, { token: made.body.token })).status).toBe(200);
    const beyond = await call(server, 'GET', `${team('beta')}/conversations`, { token: made.body.token });
    expect(beyond.status).toBe(403);
    expect(beyond.body.error.field).toBe('app_id');
    const listed = await call(server, 'GET', '/api/v1/me/tokens', { headers });
    expect(JSON.stringify(listed.body)).not.toContain(made.body.token);
    expect(listed.body.tokens.map((t: { name: string }) => t.name)).toContain('acme only');
  });

  it("cannot be scoped beyond the teammate's apps, and follow the teammate's apps when they shrink", async () => {
    const admin = await addTeammate(server, { role: 'admin' });
    const agent = await addTeammate(server, { role: 'agent', apps: ['acme', 'beta'] });
    const headers = await agent.sessionHeaders();
    for (const apps of [['gamma'], ['*']]) {
      const refused = await call(server, 'POST', '/api/v1/me/tokens', { headers, body: { name: 'wide', apps } });
      expect(refused.status).toBe(403);
      expect(refused.body.error.field).toBe('apps');
    }
    await call(server, 'PATCH', `/api/v1/teammates/${agent.id}`, { token: admin.token, body: { apps: ['acme'] } });
    expect((await call(server, 'GET', `${team('beta')}/conversations`, { token: agent.token })).status).toBe(403);
    expect((await call(server, 'GET', `${team('acme')}/conversations`, { token: agent.token })).status).toBe(200);
  });

  it('a revoked token is refused; a token cannot make tokens', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const minted = await call(server, 'POST', '/api/v1/me/tokens', {
      token: agent.token,
      body: { name: 'from a token', apps: ['acme'] },
    });
    expect(minted.status).toBe(403);
    expect(minted.body.error.field).toBe('authorization');
    const headers = await agent.sessionHeaders();
    const made = await call(server, 'POST', '/api/v1/me/tokens', {
      headers,
      body: { name: 'short-lived', apps: ['acme'] },
    });
    const revoked = await call(server, 'DELETE', `/api/v1/me/tokens/${made.body.api_token.id}`, { headers });
    expect(revoked.status).toBe(204);
    const refused = await call(server, 'GET', `${team('acme')}/conversations`, { token: made.body.token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.field).toBe('authorization');
    const listed = await call(server, 'GET', '/api/v1/me/tokens', { headers });
    expect(listed.body.tokens.find((t: { id: string }) => t.id === made.body.api_token.id).revoked_at).toEqual(
      expect.any(Number),
    );
    const again = await call(server, 'DELETE', `/api/v1/me/tokens/${made.body.api_token.id}`, { headers });
    expect(again.status).toBe(404);
  });

  it("one teammate cannot revoke another's token", async () => {
    const one = await addTeammate(server, { role: 'agent' });
    const other = await addTeammate(server, { role: 'admin' });
    const id = (await call(server, 'GET', '/api/v1/me/tokens', { token: other.token })).body.tokens[0].id;
    const attempt = await call(server, 'DELETE', `/api/v1/me/tokens/${id}`, { token: one.token });
    expect(attempt.status).toBe(404);
    expect((await call(server, 'GET', '/api/v1/me', { token: other.token })).status).toBe(200);
  });
});
