// GET /api/v1/apps/:app_id/teammates: whom any teammate of the app can assign a conversation to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';
import { addTeammate } from './teammates-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('the app’s teammates', () => {
  it('lists the active teammates reaching the app, by id, name and avatar only, to an agent', async () => {
    const admin = await addTeammate(server, { role: 'admin', name: 'Ann Admin' });
    const agent = await addTeammate(server, { role: 'agent', name: 'Alan Agent', apps: ['acme'] });
    const elsewhere = await addTeammate(server, { role: 'agent', name: 'Olga Other', apps: ['other'] });
    const leaving = await addTeammate(server, { role: 'agent', name: 'Lee Leaving' });
    const pictured = await call(server, 'PATCH', '/api/v1/me', {
      token: agent.token,
      body: { avatar_url: 'https://cdn.example/alan.png' },
    });
    expect(pictured.status).toBe(200);
    const gone = await call(server, 'POST', `/api/v1/teammates/${leaving.id}/deactivate`, {
      headers: await admin.sessionHeaders(),
    });
    expect(gone.status).toBe(200);

    const answer = await call(server, 'GET', `${team('acme')}/teammates`, { token: agent.token });
    expect(answer.status).toBe(200);
    const byId = new Map(answer.body.teammates.map((teammate: { id: string }) => [teammate.id, teammate]));
    expect(byId.get(admin.id)).toEqual({ id: admin.id, name: 'Ann Admin' });
    expect(byId.get(agent.id)).toEqual({
      id: agent.id,
      name: 'Alan Agent',
      avatar_url: 'https://cdn.example/alan.png',
    });
    expect(byId.has(elsewhere.id)).toBe(false);
    expect(byId.has(leaving.id)).toBe(false);
    expect(byId.has('team-token')).toBe(false);
    expect(JSON.stringify(answer.body)).not.toMatch(/@|role|email/);
  });

  it('answers only those who reach the app: 401 without credentials, 403 naming app_id otherwise', async () => {
    const outsider = await addTeammate(server, { role: 'agent', apps: ['other'] });
    const none = await call(server, 'GET', `${team('acme')}/teammates`);
    expect(none.status).toBe(401);
    expect(none.body.error.field).toBe('authorization');
    const refused = await call(server, 'GET', `${team('acme')}/teammates`, { token: outsider.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.field).toBe('app_id');
    const withTeamToken = await call(server, 'GET', `${team('acme')}/teammates`, { token: TEAM_TOKEN });
    expect(withTeamToken.status).toBe(200);
  });
});
