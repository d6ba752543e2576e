import { describe, expect, it } from 'vitest';
import { createHarness } from '../src/testing';

describe('hooks', () => {
  it('onShow and onHide fire on what the panel did, not on what was asked', async () => {
    const h = createHarness();
    const seen: string[] = [];
    h.Intercom('onShow', () => seen.push('show'));
    h.Intercom('onHide', () => seen.push('hide'));
    h.Intercom('show'); // before boot: kept, runs after boot
    expect(seen).toEqual([]);
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    expect(seen).toEqual(['show']);
    h.Intercom('show'); // already open: nothing changes
    h.Intercom('showMessages'); // another view: still open
    h.Intercom('hide');
    h.Intercom('hide');
    expect(seen).toEqual(['show', 'hide']);
  });

  it('onUnreadCountChange reports each change of the count', async () => {
    const h = createHarness();
    const counts: number[] = [];
    h.Intercom('onUnreadCountChange', (n) => counts.push(n));
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('startConversation', 'hi');
    await h.clock.settle();
    const id = h.view().thread!.conversationId;
    h.Intercom('hide');
    h.server.team.reply(id, 'one');
    h.server.team.reply(id, 'two');
    await h.clock.settle();
    h.Intercom('showConversation', id);
    await h.clock.settle();
    expect(counts).toEqual([1, 2, 0]);
  });

  it('Intercom(hook, fn) registered once before the first boot: called once per event, across shutdown and boot', async () => {
    const h = createHarness();
    const seen: string[] = [];
    h.Intercom('onShow', () => seen.push('show'));
    for (const user of ['u1', 'u2', 'u3']) {
      h.Intercom('boot', { app_id: 'acme', user_id: user });
      await h.clock.settle();
      h.Intercom('show');
      h.Intercom('shutdown');
    }
    expect(seen).toEqual(['show', 'show', 'show']);
  });

  it('Intercom(hook, fn) registered again at every boot (react-use-intercom): the last registration is the handler, called once per event', async () => {
    const h = createHarness();
    const seen: string[] = [];
    for (const user of ['u1', 'u2', 'u3']) {
      // A new closure each time, as the React provider makes one per boot.
      h.Intercom('onShow', () => seen.push(`show as ${user}`));
      h.Intercom('onHide', () => seen.push(`hide as ${user}`));
      h.Intercom('boot', { app_id: 'acme', user_id: user });
      await h.clock.settle();
      h.Intercom('show');
      h.Intercom('hide');
      h.Intercom('shutdown');
    }
    expect(seen).toEqual(['show as u1', 'hide as u1', 'show as u2', 'hide as u2', 'show as u3', 'hide as u3']);
    expect(h.messenger.hooks.count('onShow')).toBe(1);
  });

  it('Intercom(hook, undefined) means no handler: it removes the last one, silently', async () => {
    const h = createHarness();
    const seen: string[] = [];
    h.Intercom('onShow', () => seen.push('show'));
    expect(typeof h.Intercom('onShow', undefined)).toBe('function');
    for (const hook of ['onHide', 'onUnreadCountChange', 'onUserEmailSupplied'] as const) h.Intercom(hook, undefined);
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('show');
    expect(seen).toEqual([]);
    expect(h.warnings).toEqual([]);
    // With no callback at all the call is a mistake, and says so.
    (h.Intercom as (command: string) => unknown)('onShow');
    expect(h.warnings).toEqual([expect.stringContaining("Intercom('onShow'): callback must be a function")]);
  });

  it("the Intercom handler's unsubscribe removes it only while it is still the handler", async () => {
    const h = createHarness();
    const seen: string[] = [];
    const offFirst = h.Intercom('onShow', () => seen.push('first'));
    const offSecond = h.Intercom('onShow', () => seen.push('second'));
    offFirst(); // already replaced: changes nothing
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('show');
    offSecond();
    offSecond(); // twice is harmless
    h.Intercom('hide');
    h.Intercom('show');
    expect(seen).toEqual(['second']);
  });

  it("adapters' listeners add up beside the Intercom handler, survive shutdown and a later boot, and each unsubscribes on its own", async () => {
    const h = createHarness();
    const a: string[] = [];
    const b: string[] = [];
    const page: string[] = [];
    const offA = h.messenger.commands.onShow(() => a.push('a'));
    h.messenger.commands.onShow(() => b.push('b'));
    h.Intercom('onShow', () => page.push('page'));
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    h.Intercom('show');
    h.Intercom('shutdown');
    h.Intercom('boot', { app_id: 'acme', user_id: 'u2' });
    await h.clock.settle();
    h.Intercom('show');
    expect(a).toEqual(['a', 'a']);
    offA();
    offA(); // twice is harmless
    h.Intercom('hide');
    h.Intercom('show');
    expect(a).toEqual(['a', 'a']);
    expect(b).toEqual(['b', 'b', 'b']);
    expect(page).toEqual(['page', 'page', 'page']);
    expect(h.messenger.commands.onShow(undefined as never)).toBeTypeOf('function');
    expect(h.warnings).toEqual([]);
  });

  it('shutdown while open fires onHide; onUnreadCountChange falls back to 0', async () => {
    const h = createHarness();
    const seen: Array<string | number> = [];
    h.Intercom('onHide', () => seen.push('hide'));
    h.Intercom('onUnreadCountChange', (n) => seen.push(n));
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('startConversation', 'hi');
    await h.clock.settle();
    h.Intercom('hide');
    h.server.team.reply(h.messenger.getSnapshot().context.thread!.conversationId, 'reply');
    await h.clock.settle();
    h.Intercom('show');
    h.Intercom('shutdown');
    expect(seen).toEqual(['hide', 1, 'hide', 0]);
  });

  it('a callback that throws is reported and does not stop the others', async () => {
    const h = createHarness();
    const seen: string[] = [];
    h.Intercom('onShow', () => {
      throw new Error('host bug');
    });
    h.messenger.commands.onShow(() => seen.push('second'));
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    expect(() => h.Intercom('show')).not.toThrow();
    expect(seen).toEqual(['second']);
    expect(h.warnings).toEqual(['[Confab] an onShow callback threw: host bug']);
    expect(h.view().open).toBe(true);
  });

  it('onUserEmailSupplied fires when the visitor gives an email in the messenger, which reaches the server', async () => {
    const h = createHarness();
    const emails: string[] = [];
    h.Intercom('onUserEmailSupplied', (email) => emails.push(email));
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.messenger.getView().supplyEmail('lead@example.com');
    await h.clock.settle();
    expect(emails).toEqual(['lead@example.com']);
    expect(h.server.people()[0]).toMatchObject({ role: 'lead', email: 'lead@example.com' });
  });
});
