// GET /api/v1/apps: the apps the inbox offers a teammate, those holding contacts among the ones
// their credentials reach; nothing of an app they do not reach, nothing without credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, call, startTestServer, TEAM_TOKEN, type TestServer } from './server-harness';
import { addTeammate } from './teammates-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('GET /api/v1/apps', () => {
  it('answers an empty list while no app has a contact', async () => {
    const answer = await call(server, 'GET', '/api/v1/apps', { token: TEAM_TOKEN });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ apps: [] });
  });

  it('lists the apps holding contacts that the credentials reach, each once, in order', async () => {
    await boot(server, { app_id: 'globex' });
    await boot(server, { app_id: 'acme' });
    await boot(server, { app_id: 'acme' });
    await boot(server, { app_id: 'initech' });

    const admin = await addTeammate(server, { role: 'admin' });
    const everything = await call(server, 'GET', '/api/v1/apps', { headers: await admin.sessionHeaders() });
    expect(everything.status).toBe(200);
    expect(everything.body).toEqual({ apps: [{ id: 'acme' }, { id: 'globex' }, { id: 'initech' }] });

    const agent = await addTeammate(server, { role: 'agent', apps: ['globex', 'acme', 'no-contacts-yet'] });
    const theirs = await call(server, 'GET', '/api/v1/apps', { headers: await agent.sessionHeaders() });
    expect(theirs.body).toEqual({ apps: [{ id: 'acme' }, { id: 'globex' }] });

    // An API token made for one app reaches that app only, though its teammate reaches more.
    const minted = await call(server, 'POST', '/api/v1/me/tokens', {
      headers: await agent.sessionHeaders(),
      body: { name: 'acme only', apps: ['acme'] },
    });
    expect(minted.status).toBe(201);
    const narrow = await call(server, 'GET', '/api/v1/apps', { token: minted.body.token });
    expect(narrow.body).toEqual({ apps: [{ id: 'acme' }] });

    const teamToken = await call(server, 'GET', '/api/v1/apps', { token: TEAM_TOKEN });
    expect(teamToken.body.apps).toHaveLength(3);
  });

  it('refuses a request without valid credentials, naming authorization', async () => {
    const none = await call(server, 'GET', '/api/v1/apps');
    expect(none.status).toBe(401);
    expect(none.body.error.field).toBe('authorization');
    const forged = await call(server, 'GET', '/api/v1/apps', { headers: { cookie: 'confab_session=forged' } });
    expect(forged.status).toBe(401);
    expect(forged.body.error.field).toBe('authorization');
  });
});
