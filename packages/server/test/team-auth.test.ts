// Who may call the team API under /api/v1/apps/:app_id/: a teammate's session cookie or API token
// for an app they reach, the team token as its built-in teammate; nobody else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TEAMMATE_ID } from '../src/store';
import { boot, call, messenger, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';
import { addTeammate } from './teammates-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('the team API authenticates a teammate', () => {
  it('answers a session cookie and an API token of a teammate who reaches the app', async () => {
    const agent = await addTeammate(server, { role: 'agent', apps: ['acme'] });
    const byCookie = await call(server, 'GET', `${team()}/conversations`, {
      headers: { cookie: await agent.cookie() },
    });
    const byToken = await call(server, 'GET', `${team()}/conversations`, { token: agent.token });
    expect([byCookie.status, byToken.status]).toEqual([200, 200]);
    const me = await call(server, 'GET', '/api/v1/me', { token: agent.token });
    expect(me.body).toMatchObject({
      teammate: { id: agent.id, email: agent.email, role: 'agent', apps: ['acme'] },
      via: 'token',
    });
  });

  it('refuses 401 without credentials, with an unknown token, a messenger session token or an ended session', async () => {
    const visitor = await boot(server);
    const agent = await addTeammate(server, { role: 'agent' });
    const cookie = await agent.cookie();
    await call(server, 'POST', '/api/v1/auth/logout', { headers: { cookie, origin: server.url } });
    const answers = await Promise.all([
      call(server, 'GET', `${team()}/conversations`),
      call(server, 'GET', `${team()}/conversations`, { token: 'confab_not-a-token' }),
      call(server, 'GET', `${team()}/conversations`, { token: visitor.session.token }),
      call(server, 'GET', `${team()}/conversations`, { headers: { cookie } }),
      call(server, 'GET', `${team()}/conversations`, { headers: { cookie: 'confab_session=forged' } }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body.error.field).toBe('authorization');
    }
  });

  it('refuses 403 naming app_id for an app the teammate does not reach, by cookie or token', async () => {
    const agent = await addTeammate(server, { role: 'agent', apps: ['acme'] });
    const byToken = await call(server, 'GET', `${team('other')}/conversations`, { token: agent.token });
    const byCookie = await call(server, 'GET', `${team('other')}/conversations`, {
      headers: { cookie: await agent.cookie() },
    });
    for (const answer of [byToken, byCookie]) {
      expect(answer.status).toBe(403);
      expect(answer.body.error.field).toBe('app_id');
    }
  });

  it('the team token is the built-in service teammate, named as the team, reaching every app', async () => {
    const me = await call(server, 'GET', '/api/v1/me', { token: TEAM_TOKEN });
    expect(me.body).toMatchObject({
      teammate: { id: SERVICE_TEAMMATE_ID, name: 'Acme Support', role: 'agent', apps: ['*'] },
      via: 'token',
    });
    const visitor = await boot(server);
    await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'hello', client_id: 'c-service' },
    });
    const other = await call(server, 'GET', `${team('any-app')}/conversations`, { token: TEAM_TOKEN });
    expect(other.status).toBe(200);
  });
});
