// A booted session's I/O runs in the machine's children: sends (each its own), the update sender
// and the realtime stream. They end with the session, so nothing of it arrives afterwards.
import { describe, expect, it } from 'vitest';
import { TransportError } from '../src';
import { createHarness, type Harness } from '../src/testing';

/** An answer held until `open()`: the server has done the request; the test decides when the page hears it. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** The events the messenger's own actor receives from now on. */
function eventsReceived(h: Harness): string[] {
  const received: string[] = [];
  h.messenger.actor.system.inspect((inspection) => {
    if (inspection.type === '@xstate.event' && inspection.actorRef === h.messenger.actor)
      received.push(inspection.event.type);
  });
  return received;
}

const childIds = (h: Harness) => Object.keys(h.messenger.getSnapshot().children);

describe('sends', () => {
  it('a shutdown while a message is on its way: its answer never reaches the messenger', async () => {
    const held = gate();
    let holding = false;
    const h = createHarness({
      transport: (base) => ({
        ...base,
        postMessage: async (...args) => {
          const answer = await base.postMessage(...args);
          if (holding) await held.opened;
          return answer;
        },
      }),
    });
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada' });
    await h.clock.settle();
    h.Intercom('startConversation', 'hello');
    await h.clock.settle();
    holding = true;
    h.view().sendMessage('are you there?');
    expect(childIds(h).filter((id) => id.startsWith('send:'))).toHaveLength(1);

    h.Intercom('shutdown');
    expect(childIds(h)).toEqual([]);
    const received = eventsReceived(h);
    held.open();
    await h.clock.settle();
    expect(received.filter((type) => type.startsWith('MESSAGE_') || type.startsWith('xstate.'))).toEqual([]);
  });

  it('an answered send is done: the messenger keeps no child for it', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('startConversation', 'hello');
    await h.clock.settle();
    h.view().sendMessage('one');
    h.view().sendMessage('two');
    await h.clock.settle();
    expect(h.view().thread!.messages.map((m) => [m.body, m.status])).toEqual([
      ['hello', 'sent'],
      ['one', 'sent'],
      ['two', 'sent'],
    ]);
    expect(childIds(h).filter((id) => id.startsWith('send:'))).toEqual([]);
  });

  it("a read mark answered after another person booted leaves that person's unread count alone", async () => {
    const held = gate();
    let holding = false;
    const h = createHarness({
      transport: (base) => ({
        ...base,
        markRead: async (...args) => {
          const answer = await base.markRead(...args);
          if (holding) await held.opened;
          return answer;
        },
      }),
    });
    // Bob has a reply he has not read.
    h.Intercom('boot', { app_id: 'acme', user_id: 'bob' });
    await h.clock.settle();
    h.Intercom('startConversation', 'hi');
    await h.clock.settle();
    const bobs = h.view().thread!.conversationId;
    h.Intercom('hide');
    h.server.team.reply(bobs, 'for bob');
    await h.clock.settle();
    expect(h.view().unreadCount).toBe(1);
    h.Intercom('shutdown');

    // Ada reads a reply as it arrives; the read mark is still on its way when Bob logs in again.
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada' });
    await h.clock.settle();
    h.Intercom('startConversation', 'hello');
    await h.clock.settle();
    holding = true;
    h.server.team.reply(h.view().thread!.conversationId, 'for ada');
    await h.clock.settle();
    expect(childIds(h)).toContain('send:read');
    h.Intercom('boot', { app_id: 'acme', user_id: 'bob' });
    await h.clock.settle();
    expect(h.view().unreadCount).toBe(1);
    held.open();
    await h.clock.settle();
    expect(h.view().unreadCount).toBe(1);
  });
});

describe('the update sender', () => {
  it('lives exactly as long as booted: made on entry, stopped on exit', async () => {
    const h = createHarness();
    const sender = () => h.messenger.getSnapshot().children.updateSender;
    expect(sender()).toBeUndefined();
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada' });
    expect(sender()).toBeUndefined();
    await h.clock.settle();
    const first = sender()!;
    expect(first.getSnapshot().status).toBe('active');

    // A refused session: booted is left, and entered again with a new session and a new sender.
    await h.server.transport.endSession(h.messenger.getSnapshot().context.session!);
    await h.clock.advance(5_000);
    expect(h.view().lifecycle).toBe('booted');
    expect(first.getSnapshot().status).toBe('stopped');
    const second = sender()!;
    expect(second).not.toBe(first);
    expect(second.getSnapshot().status).toBe('active');

    h.Intercom('shutdown');
    expect(sender()).toBeUndefined();
    expect(second.getSnapshot().status).toBe('stopped');
  });

  it("a refused session's update stops being retried when booted is left", async () => {
    const attempts = new Map<string, number>();
    const h = createHarness({
      transport: (base) => ({
        ...base,
        update: (session) => {
          attempts.set(session.token, (attempts.get(session.token) ?? 0) + 1);
          return Promise.reject(new TransportError('503 from a server that is down', { status: 503, retryable: true }));
        },
      }),
    });
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada' });
    await h.clock.settle();
    const first = h.messenger.getSnapshot().context.session!;
    h.Intercom('update', { plan: 'pro' });
    await h.clock.advance(30_000);
    expect(attempts.get(first.token)).toBeGreaterThanOrEqual(2);

    await h.server.transport.endSession(first);
    await h.clock.advance(5_000);
    expect(h.messenger.getSnapshot().context.session!.token).not.toBe(first.token);
    const before = attempts.get(first.token);
    await h.clock.advance(10 * 60_000);
    expect(attempts.get(first.token)).toBe(before);
  });
});
