import { describe, expect, it } from 'vitest';
import { createHarness } from './harness';

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

  it('registrations survive shutdown and a later boot, and each unsubscribes on its own', async () => {
    const h = createHarness();
    const a: string[] = [];
    const b: string[] = [];
    const offA = h.Intercom('onShow', () => a.push('a'));
    h.Intercom('onShow', () => b.push('b'));
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
    h.Intercom('onShow', () => seen.push('second'));
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
    expect(h.server.people()[0]).toMatchObject({ role: 'user', email: 'lead@example.com' });
  });
});
