// Who may resume a lead: only the browser that holds it (its live session token, or the visitor id
// together with the device id of the browser that made the lead). A login ends every other session
// of the lead; a shutdown leaves the old visitor id granting nothing.

import type { BootRequest, BootResponse } from '@confab/core/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, bootRequest, call, messenger, startTestServer, type TestServer } from './server-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** A lead with one conversation, and the boot request its browser sent. */
async function leadWithConversation(
  body = 'my private question',
): Promise<{ request: BootRequest; lead: BootResponse; conversationId: string }> {
  const request = bootRequest();
  const lead = await boot(server, request);
  const started = await call(server, 'POST', `${messenger()}/conversations`, {
    token: lead.session.token,
    body: { body, client_id: `c-${Date.now()}` },
  });
  expect(started.status).toBe(200);
  return { request, lead, conversationId: started.body.conversation.id };
}

const conversationsOf = async (token: string) =>
  (await call(server, 'GET', `${messenger()}/conversations`, { token })).body.map((c: { id: string }) => c.id);

describe('resuming a lead', () => {
  it("the lead's own browser resumes it across page loads, by token and, once the token is gone, by visitor id and device id", async () => {
    const { request, lead, conversationId } = await leadWithConversation();
    const byToken = await boot(server, { ...request, session_token: lead.session.token });
    expect(byToken.person.id).toBe(lead.person.id);
    const byDevice = await boot(server, { visitor_id: request.visitor_id, device_id: request.device_id });
    expect(byDevice.person.id).toBe(lead.person.id);
    expect(byDevice.conversations.map((c) => c.id)).toEqual([conversationId]);
  });

  it("a visitor id without the victim's session token or device id opens none of the victim's conversations", async () => {
    const { request, lead, conversationId } = await leadWithConversation();
    const attacker = await boot(server, { visitor_id: request.visitor_id, identity: {} });
    expect(attacker.person.id).not.toBe(lead.person.id);
    expect(attacker.conversations).toEqual([]);
    expect(await conversationsOf(attacker.session.token)).toEqual([]);
    const read = await call(server, 'GET', `${messenger()}/conversations/${conversationId}`, {
      token: attacker.session.token,
    });
    expect(read.status).toBe(404);
    // The victim still has their lead, and only their own conversation.
    const victim = await boot(server, { visitor_id: request.visitor_id, device_id: request.device_id });
    expect(victim.person.id).toBe(lead.person.id);
    expect(victim.conversations.map((c) => c.id)).toEqual([conversationId]);
  });

  it("a visitor id naming a user does not carry the victim's lead into that user", async () => {
    const { request, lead, conversationId } = await leadWithConversation();
    const attacker = await boot(server, {
      visitor_id: request.visitor_id,
      identity: { user_id: `thief-${Date.now()}` },
    });
    expect(attacker.conversations).toEqual([]);
    const victim = await boot(server, { ...request, session_token: lead.session.token });
    expect(victim.person).toMatchObject({ id: lead.person.id, role: 'lead' });
    expect(victim.conversations.map((c) => c.id)).toEqual([conversationId]);
  });

  it('after the lead shuts down (DELETE /session), its old visitor id grants nothing, even with its device id', async () => {
    const { request, lead } = await leadWithConversation();
    expect((await call(server, 'DELETE', `${messenger()}/session`, { token: lead.session.token })).status).toBe(204);
    for (const asked of [
      { visitor_id: request.visitor_id },
      { visitor_id: request.visitor_id, device_id: request.device_id },
    ]) {
      const after = await boot(server, asked);
      expect(after.person.id).not.toBe(lead.person.id);
      expect(after.conversations).toEqual([]);
    }
  });
});

describe('a login (lead to user) ends every other session of the lead', () => {
  it('at boot: the session the login presents continues as the user; other sessions of the lead get 401', async () => {
    const { request, lead, conversationId } = await leadWithConversation();
    const otherTab = await boot(server, { visitor_id: request.visitor_id, device_id: request.device_id });
    expect(otherTab.person.id).toBe(lead.person.id);

    const userId = `login-boot-${Date.now()}`;
    const user = await boot(server, { ...request, session_token: lead.session.token, identity: { user_id: userId } });
    expect(user.person).toMatchObject({ id: lead.person.id, role: 'user', user_id: userId });
    expect(await conversationsOf(user.session.token)).toEqual([conversationId]);
    expect(await conversationsOf(lead.session.token)).toEqual([conversationId]);
    expect((await call(server, 'GET', `${messenger()}/conversations`, { token: otherTab.session.token })).status).toBe(
      401,
    );
    const write = await call(server, 'POST', `${messenger()}/conversations/${conversationId}/messages`, {
      token: otherTab.session.token,
      body: { body: 'x', client_id: 'x-1' },
    });
    expect(write.status).toBe(401);
  });

  it("at update, into an existing user: a session opened as the lead before the login cannot read the user's history from other devices", async () => {
    const userId = `login-update-${Date.now()}`;
    const elsewhere = await boot(server, { identity: { user_id: userId } });
    const onLaptop = await call(server, 'POST', `${messenger()}/conversations`, {
      token: elsewhere.session.token,
      body: { body: 'from my laptop', client_id: 'laptop-1' },
    });
    const { request, lead } = await leadWithConversation();
    const opened = await boot(server, { visitor_id: request.visitor_id, device_id: request.device_id });

    const login = await call(server, 'POST', `${messenger()}/update`, {
      token: lead.session.token,
      body: { identity: { user_id: userId }, attributes: {} },
    });
    expect(login.status).toBe(200);
    expect(login.body.person.id).toBe(elsewhere.person.id);
    expect(await conversationsOf(lead.session.token)).toContain(onLaptop.body.conversation.id);
    expect((await call(server, 'GET', `${messenger()}/conversations`, { token: opened.session.token })).status).toBe(
      401,
    );
    const write = await call(server, 'POST', `${messenger()}/conversations/${onLaptop.body.conversation.id}/messages`, {
      token: opened.session.token,
      body: { body: 'x', client_id: 'x-2' },
    });
    expect(write.status).toBe(401);
  });

  it("a session an attacker opened with the victim's visitor id never reads the victim's history after the victim logs in", async () => {
    const userId = `victim-${Date.now()}`;
    const elsewhere = await boot(server, { identity: { user_id: userId } });
    await call(server, 'POST', `${messenger()}/conversations`, {
      token: elsewhere.session.token,
      body: { body: 'from my phone', client_id: 'phone-1' },
    });
    const { request, conversationId } = await leadWithConversation();
    const attacker = await boot(server, { visitor_id: request.visitor_id });

    const victim = await boot(server, {
      visitor_id: request.visitor_id,
      device_id: request.device_id,
      identity: { user_id: userId },
    });
    expect(victim.person.id).toBe(elsewhere.person.id);
    expect(victim.conversations).toHaveLength(2);
    expect(await conversationsOf(attacker.session.token)).toEqual([]);
    const write = await call(server, 'POST', `${messenger()}/conversations/${conversationId}/messages`, {
      token: attacker.session.token,
      body: { body: 'x', client_id: 'x-3' },
    });
    expect(write.status).toBe(404);
  });
});
