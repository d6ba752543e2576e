// Core in Node against the real server: the messenger a browser would run, minus the DOM.
import { createHttpTransport, createMemoryStorage, createMessenger, type Messenger } from '@confab/core';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/**
 * A network that loses every other answer to /events and /update: the server did the work, the
 * client never hears so and sends again.
 */
function droppingFetch() {
  let calls = 0;
  let dropped = 0;
  const wrapped: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const response = await fetch(input, init);
    if (/\/(events|update)$/.test(url) && calls++ % 2 === 0) {
      await response.arrayBuffer();
      dropped++;
      throw new TypeError('fetch failed: the connection was reset before the answer arrived');
    }
    return response;
  };
  return { fetch: wrapped, dropped: () => dropped };
}

describe('core in Node, end to end over HTTP', () => {
  let messenger: Messenger;
  afterAll(() => messenger?.stop());

  it('a lead updates, tracks, talks to the team live, then logs in and keeps the conversation', async () => {
    const network = droppingFetch();
    const warnings: string[] = [];
    const storage = createMemoryStorage();
    messenger = createMessenger({
      transport: createHttpTransport({ apiBase: server.url, fetch: network.fetch, random: () => 0 }),
      storage,
      random: () => 0,
      logger: { warn: (message) => warnings.push(message) },
      page: () => ({ url: 'https://shop.example/pricing', title: 'Pricing' }),
    });
    const { Intercom } = messenger;
    const unreadCounts: number[] = [];
    Intercom('onUnreadCountChange', (count) => unreadCounts.push(count));

    Intercom('boot', { app_id: 'acme', name: 'Lea' });
    await expect.poll(() => messenger.getView().lifecycle).toBe('booted');
    const visitorId = Intercom('getVisitorId')!;
    const [lead] = (await call(server, 'GET', `${team()}/contacts?visitor_id=${visitorId}`, { token: TEAM_TOKEN })).body
      .contacts;
    expect(lead).toMatchObject({ role: 'lead', name: 'Lea' });

    Intercom('update', { plan: 'trial', seats: 3 });
    const names = Array.from({ length: 25 }, (_, i) => `step-${i}`);
    for (const name of names) Intercom('trackEvent', name, { index: Number(name.slice(5)) });

    await expect
      .poll(
        async () =>
          (await call(server, 'GET', `${team()}/contacts/${lead.id}/events`, { token: TEAM_TOKEN })).body.events.length,
        { timeout: 20_000 },
      )
      .toBe(25);
    const events = (await call(server, 'GET', `${team()}/contacts/${lead.id}/events`, { token: TEAM_TOKEN })).body
      .events;
    expect(events.map((e: { name: string }) => e.name).sort()).toEqual([...names].sort());
    expect(network.dropped()).toBeGreaterThanOrEqual(1);
    await expect
      .poll(
        async () =>
          (await call(server, 'GET', `${team()}/contacts/${lead.id}`, { token: TEAM_TOKEN })).body.attributes
            .custom_attributes,
        { timeout: 20_000 },
      )
      .toEqual({ plan: 'trial', seats: 3 });

    Intercom('startConversation', 'Do you ship to Norway?');
    await expect.poll(() => messenger.getView().view).toBe('conversation');
    await expect.poll(() => messenger.getView().conversations.length).toBe(1);
    const conversationId = messenger.getView().conversations[0]!.id;
    Intercom('hide');

    const reply = await call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'We do!', author_name: 'Sam' },
    });
    expect(reply.status).toBe(200);
    await expect.poll(() => messenger.getView().unreadCount, { timeout: 10_000 }).toBe(1);
    expect(unreadCounts).toEqual([1]);

    Intercom('boot', { app_id: 'acme', user_id: 'lea-42', email: 'lea@example.com' });
    await expect
      .poll(() => messenger.getView().lifecycle === 'booted' && messenger.getView().person?.role)
      .toBe('user');
    const [user] = (await call(server, 'GET', `${team()}/contacts?user_id=lea-42`, { token: TEAM_TOKEN })).body
      .contacts;
    const conversations = (await call(server, 'GET', `${team()}/conversations`, { token: TEAM_TOKEN })).body
      .conversations;
    expect(conversations.find((c: { id: string }) => c.id === conversationId).contact.id).toBe(user.id);
    expect(warnings.filter((w) => !/retry|failed|reset/i.test(w))).toEqual([]);
  }, 60_000);
});

describe('core in Node against a server with a secret', () => {
  const SECRET = 'identity-secret-0123456789';
  let verified: TestServer;
  beforeAll(async () => {
    verified = await startTestServer({ secret: SECRET });
  });
  afterAll(() => verified.stop());

  const sign = (claims: Record<string, unknown>, exp: number | string = '1h') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(SECRET));

  function messengerOn(server: TestServer, warnings: string[]) {
    return createMessenger({
      transport: createHttpTransport({ apiBase: server.url, random: () => 0 }),
      storage: createMemoryStorage(),
      random: () => 0,
      logger: { warn: (message) => warnings.push(message) },
      page: () => ({ url: 'https://shop.example/', title: 'Shop' }),
    });
  }

  it("boots with intercom_user_jwt, the claims winning; a renewed token in update; an expired one is the server's 401, told once", async () => {
    const warnings: string[] = [];
    const messenger = messengerOn(verified, warnings);
    try {
      messenger.Intercom('boot', {
        app_id: 'acme',
        name: 'Unsigned',
        intercom_user_jwt: await sign({ user_id: 'e2e-jwt-1', email: 'jo@example.com', name: 'Jo' }),
      });
      await expect.poll(() => messenger.getView().lifecycle).toBe('booted');
      expect(messenger.getSnapshot().context.person).toMatchObject({
        user_id: 'e2e-jwt-1',
        email: 'jo@example.com',
        name: 'Jo',
      });
      messenger.Intercom('update', { intercom_user_jwt: await sign({ user_id: 'e2e-jwt-1', name: 'Jo Renewed' }) });
      await expect
        .poll(
          async () =>
            (await call(verified, 'GET', `${team()}/contacts?user_id=e2e-jwt-1`, { token: TEAM_TOKEN })).body
              .contacts[0]?.name,
        )
        .toBe('Jo Renewed');
      expect(warnings).toEqual([]);
    } finally {
      messenger.stop();
    }

    const expired = messengerOn(verified, warnings);
    try {
      expired.Intercom('boot', {
        app_id: 'acme',
        intercom_user_jwt: await sign({ user_id: 'e2e-jwt-2' }, Math.floor(Date.now() / 1000) - 60),
      });
      await expect
        .poll(() => warnings)
        .toEqual([
          expect.stringMatching(/\[Confab\] Intercom\('boot'\) failed \(401\): intercom_user_jwt has expired/),
        ]);
      expect(expired.getView().lifecycle).not.toBe('booted');
    } finally {
      expired.stop();
    }
  });
});
