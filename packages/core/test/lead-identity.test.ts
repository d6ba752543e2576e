// A lead belongs to the browser that made it: the client resumes its own lead across page loads
// (by its session cookie, or by its visitor and device ids once the session cookie is gone), and
// the in-memory server keeps the real server's rules (packages/server/test/lead-identity.test.ts).
import { describe, expect, it } from 'vitest';
import { storageKeys } from '../src';
import type { BootRequest } from '../src/protocol';
import { createMemoryServer, createPageLoads, createSimulatedClock } from '../src/testing';

describe('the client resumes its own lead', () => {
  it('on the next page load, and on one after its session cookie expired: the same lead and its conversation', async () => {
    const { clock, storage, pageLoad } = createPageLoads();
    const first = pageLoad();
    first.Intercom('boot', { app_id: 'acme' });
    await clock.settle();
    first.Intercom('startConversation', 'Question before signing up');
    await clock.settle();
    const lead = first.getSnapshot().context.person!;
    first.stop();

    const reload = pageLoad();
    reload.Intercom('boot', { app_id: 'acme' });
    await clock.settle();
    expect(reload.getSnapshot().context.person!.id).toBe(lead.id);
    reload.stop();

    storage.remove(storageKeys('acme').session);
    const afterExpiry = pageLoad();
    afterExpiry.Intercom('boot', { app_id: 'acme' });
    await clock.settle();
    expect(afterExpiry.getSnapshot().context.person!.id).toBe(lead.id);
    expect(afterExpiry.getView().conversations.map((c) => c.last_message?.body)).toEqual([
      'Question before signing up',
    ]);
  });

  it('after a shutdown, the next boot on that device is a new lead with none of the first one', async () => {
    const { clock, pageLoad } = createPageLoads();
    const page = pageLoad();
    page.Intercom('boot', { app_id: 'acme' });
    await clock.settle();
    page.Intercom('startConversation', 'Mine only');
    await clock.settle();
    const lead = page.getSnapshot().context.person!;
    page.Intercom('shutdown');
    await clock.advance(5_000);
    page.Intercom('boot', { app_id: 'acme' });
    await clock.settle();
    expect(page.getSnapshot().context.person!.id).not.toBe(lead.id);
    expect(page.getView().conversations).toEqual([]);
  });
});

describe('the in-memory server keeps the identity rules of the real one', () => {
  const request = (overrides: Partial<BootRequest> = {}): BootRequest => ({
    app_id: 'acme',
    visitor_id: 'v-1',
    device_id: 'd-1',
    identity: {},
    attributes: {},
    ...overrides,
  });

  it("a visitor id alone opens none of the lead's conversations; a shutdown leaves it granting nothing", async () => {
    const server = createMemoryServer({ clock: createSimulatedClock() });
    const victim = await server.transport.boot(request());
    await server.transport.startConversation(victim.session, 'private', 'c-1');
    const attacker = await server.transport.boot(request({ device_id: 'd-attacker' }));
    expect(attacker.person.id).not.toBe(victim.person.id);
    expect(attacker.conversations).toEqual([]);
    expect((await server.transport.boot(request())).person.id).toBe(victim.person.id);

    await server.transport.endSession(victim.session);
    const after = await server.transport.boot(request());
    expect(after.person.id).not.toBe(victim.person.id);
    expect(after.conversations).toEqual([]);
  });

  it('a login ends every other session of the lead; the one making it continues as the user', async () => {
    const server = createMemoryServer({ clock: createSimulatedClock() });
    const lead = await server.transport.boot(request());
    const otherTab = await server.transport.boot(request());
    await server.transport.update(lead.session, { identity: { user_id: 'ada' }, attributes: {} });
    await expect(server.transport.listConversations(otherTab.session)).rejects.toMatchObject({ status: 401 });
    await expect(server.transport.listConversations(lead.session)).resolves.toEqual([]);

    const second = await server.transport.boot(request({ visitor_id: 'v-2' }));
    const secondOtherTab = await server.transport.boot(request({ visitor_id: 'v-2' }));
    const user = await server.transport.boot(
      request({ visitor_id: 'v-2', session_token: second.session.token, identity: { user_id: 'ada' } }),
    );
    expect(user.person.user_id).toBe('ada');
    await expect(server.transport.listConversations(secondOtherTab.session)).rejects.toMatchObject({ status: 401 });
    await expect(server.transport.listConversations(second.session)).resolves.toEqual([]);
  });
});
