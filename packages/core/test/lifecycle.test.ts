import { describe, expect, it } from 'vitest';
import { createMessenger, storageKeys, type Transport, TransportError, userDataKeys } from '../src';
import { createHarness, createPageLoads } from '../src/testing';

describe('calls before boot', () => {
  it('are kept in order and run after boot', async () => {
    const h = createHarness();
    h.Intercom('trackEvent', 'first');
    h.Intercom('showNewMessage', 'Hello?');
    h.Intercom('update', { plan: 'pro' });
    h.Intercom('trackEvent', 'second');
    expect(h.view().lifecycle).toBe('unbooted');
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    h.Intercom('trackEvent', 'third');
    expect(h.view().lifecycle).toBe('booting');
    await h.clock.advance(5_000);
    expect(h.view()).toMatchObject({ lifecycle: 'booted', open: true, view: 'newMessage', draft: 'Hello?' });
    expect(h.server.people()[0]!.attributes.custom_attributes).toEqual({ plan: 'pro' });
    expect(h.server.events().map((e) => e.name)).toEqual(['first', 'second', 'third']);
  });

  it('a boot the server refuses returns to unbooted, says why, and keeps the queued calls', async () => {
    const h = createHarness({
      transport: (base) => ({
        ...base,
        boot: async () => {
          const { TransportError } = await import('../src');
          throw TransportError.fromStatus(401, 'user_hash does not match');
        },
      }),
    });
    h.Intercom('show');
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    expect(h.view().lifecycle).toBe('unbooted');
    expect(h.warnings).toEqual([expect.stringContaining("Intercom('boot') failed (401): user_hash does not match")]);
    expect(h.messenger.getSnapshot().context.deferred).toEqual([{ type: 'SHOW' }]);
  });

  it('a boot that meets a network failure is retried with backoff until it succeeds', async () => {
    let failures = 3;
    const h = createHarness({
      transport: (base) => ({
        ...base,
        boot: (request) => (failures-- > 0 ? Promise.reject(new TypeError('fetch failed')) : base.boot(request)),
      }),
    });
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    expect(h.view().lifecycle).toBe('booting');
    await h.clock.advance(60_000);
    expect(h.view().lifecycle).toBe('booted');
    expect(h.server.calls().boot).toBe(1);
  });
});

describe('boot while booted', () => {
  it('as the same person acts as update: no new session, attributes reach the server', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1', name: 'Ada' });
    await h.clock.settle();
    h.Intercom('show');
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1', name: 'Ada L.' });
    await h.clock.settle();
    expect(h.server.calls()).toMatchObject({ boot: 1, update: 1 });
    expect(h.view()).toMatchObject({ lifecycle: 'booted', open: true });
    expect(h.server.people()[0]!.name).toBe('Ada L.');
  });

  it('as another person shuts down then boots: none of the first person is left', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'alice' });
    await h.clock.settle();
    h.Intercom('startConversation', 'Alice here');
    await h.clock.settle();
    expect(h.view().conversations).toHaveLength(1);
    const aliceSession = h.storage.get(storageKeys('acme').session);
    const aliceVisitor = h.storage.get(storageKeys('acme').visitorId);

    h.Intercom('boot', { app_id: 'acme', user_id: 'bob' });
    expect(h.view()).toMatchObject({ lifecycle: 'booting', conversations: [], open: false, unreadCount: 0 });
    await h.clock.settle();
    expect(h.view()).toMatchObject({ lifecycle: 'booted', conversations: [], open: false });
    expect(h.storage.get(storageKeys('acme').session)).not.toBe(aliceSession);
    expect(h.storage.get(storageKeys('acme').visitorId)).not.toBe(aliceVisitor);
    expect(h.messenger.getSnapshot().context.person?.user_id).toBe('bob');
    // Alice's session was revoked on the server.
    expect(h.server.sessionCount()).toBe(1);
  });

  it("a late answer to the last person's update does not show them in the next person's messenger", async () => {
    // Update answers take 5 s; the person logs out (boots as another) while one is on its way.
    let h: ReturnType<typeof createHarness> | null = null;
    h = createHarness({
      transport: (base) => ({
        ...base,
        update: async (session, patch) => {
          const answer = await base.update(session, patch);
          await new Promise<void>((resolve) => h!.clock.setTimeout(() => resolve(), 5_000));
          return answer;
        },
      }),
    });
    h.Intercom('boot', { app_id: 'acme', user_id: 'alice' });
    await h.clock.settle();
    h.Intercom('update', { plan: 'pro' });
    await h.clock.settle();
    h.Intercom('boot', { app_id: 'acme', user_id: 'bob' });
    await h.clock.settle();
    expect(h.messenger.getSnapshot().context.person?.user_id).toBe('bob');
    await h.clock.advance(5_000);
    expect(h.messenger.getSnapshot().context.person?.user_id).toBe('bob');
  });

  it('a lead who boots as a user keeps the conversation they started', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('startConversation', 'Question before signing up');
    await h.clock.settle();
    h.Intercom('boot', { app_id: 'acme', user_id: 'new-user', email: 'n@example.com' });
    await h.clock.settle();
    expect(h.server.people()).toHaveLength(1);
    expect(h.server.people()[0]).toMatchObject({ role: 'user', user_id: 'new-user' });
    h.Intercom('showMessages');
    await h.clock.settle();
    expect(h.view().conversations.map((c) => c.last_message?.body)).toEqual(['Question before signing up']);
  });
});

describe('shutdown', () => {
  it('clears every piece of user data, revokes the session and replaces the visitor id', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    const visitor = h.Intercom('getVisitorId');
    h.Intercom('show');
    for (let i = 0; i < 21; i++) h.Intercom('update', { n: i });
    h.Intercom('trackEvent', 'left-behind');
    expect(h.storage.get(storageKeys('acme').eventQueue)).toBeDefined();

    h.Intercom('shutdown');
    expect(h.view()).toMatchObject({
      lifecycle: 'shutDown',
      open: false,
      unreadCount: 0,
      conversations: [],
      person: null,
    });
    const { context } = h.messenger.getSnapshot();
    expect(context).toMatchObject({ session: null, settings: null, pendingPatch: null, thread: null, deferred: [] });
    for (const key of userDataKeys('acme')) expect(h.storage.get(key)).toBeUndefined();
    expect(h.Intercom('getVisitorId')).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.Intercom('getVisitorId')).not.toBe(visitor);

    // The person's last event is still delivered (from memory) before the session is revoked.
    await h.clock.advance(5_000);
    expect(h.server.events().map((e) => e.name)).toEqual(['left-behind']);
    expect(h.server.sessionCount()).toBe(0);
    expect(h.server.streamCount()).toBe(0);
  });

  it('boot starts again after shutdown; calls in between are ignored with a warning, never handed to the next person', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'alice' });
    await h.clock.settle();
    h.Intercom('shutdown');
    h.Intercom('trackEvent', 'alice-after-logout');
    h.Intercom('update', { plan: 'alice-plan' });
    h.Intercom('showNewMessage', 'alice draft');
    expect(h.warnings.slice(-3)).toEqual([
      expect.stringMatching(/Intercom\('trackEvent'\) after shutdown was ignored/),
      expect.stringMatching(/Intercom\('update'\) after shutdown was ignored/),
      expect.stringMatching(/Intercom\('showNewMessage'\) after shutdown was ignored/),
    ]);
    h.Intercom('boot', { app_id: 'acme', user_id: 'bob' });
    await h.clock.advance(60_000);
    expect(h.view()).toMatchObject({ lifecycle: 'booted', open: false });
    const bob = h.server.people().find((person) => person.user_id === 'bob')!;
    expect(bob.attributes.custom_attributes?.plan).toBeUndefined();
    expect(
      h.server
        .events()
        .filter((event) => event.personId === bob.id)
        .map((event) => event.name),
    ).toEqual([]);
  });

  it('a boot replaced while in flight does not leave its session valid on the server', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'alice' });
    h.Intercom('boot', { app_id: 'acme', user_id: 'bob' });
    await h.clock.advance(1_000);
    expect(h.view().lifecycle).toBe('booted');
    expect(h.server.calls().boot).toBe(2);
    expect(h.server.sessionCount()).toBe(1);
  });

  it('a boot as another person while the first is booting drops what waited for the first', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'alice' });
    h.Intercom('trackEvent', 'alice-clicked');
    h.Intercom('show');
    h.Intercom('boot', { app_id: 'acme', user_id: 'bob' });
    expect(h.warnings.at(-1)).toMatch(/discarded 2 call\(s\) that were waiting for the previous boot/);
    await h.clock.advance(60_000);
    expect(h.view()).toMatchObject({ lifecycle: 'booted', open: false });
    const bob = h.server.people().find((person) => person.user_id === 'bob')!;
    expect(h.server.events().filter((event) => event.personId === bob.id)).toEqual([]);
  });

  it('an update naming another user is ignored with a warning: the booted person is not renamed', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1', name: 'One' });
    await h.clock.settle();
    h.Intercom('update', { user_id: 'u2', name: 'Two' });
    expect(h.warnings.at(-1)).toMatch(/Intercom\('update'\) names "u2", not the person booted/);
    await h.clock.advance(60_000);
    const u1 = h.server.people().find((person) => person.user_id === 'u1')!;
    expect(u1.name ?? u1.attributes.name).toBe('One');
    expect(h.server.people().some((person) => person.user_id === 'u2')).toBe(false);
    // The same person's email may change.
    h.Intercom('update', { user_id: 'u1', email: 'one@example.com' });
    await h.clock.advance(60_000);
    expect(h.server.people().find((person) => person.user_id === 'u1')!.email).toBe('one@example.com');
  });

  it('launcher settings belong to a boot: the next person starts from the defaults', async () => {
    const h = createHarness();
    h.Intercom('boot', {
      app_id: 'acme',
      user_id: 'a',
      hide_default_launcher: true,
      custom_launcher_selector: '.chat',
      alignment: 'left',
    });
    await h.clock.settle();
    expect(h.view().launcher).toMatchObject({ visible: false, customLauncherSelector: '.chat', alignment: 'left' });
    h.Intercom('shutdown');
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    expect(h.view().launcher).toMatchObject({ visible: true, customLauncherSelector: undefined, alignment: 'right' });
  });

  it('stop() ends every retry under way: a stopped messenger makes no more requests', async () => {
    let attempts = 0;
    const down = () => {
      attempts++;
      return Promise.reject(new TransportError('503 from a server that is down', { status: 503, retryable: true }));
    };
    const h = createHarness({ transport: (base) => ({ ...base, trackEvents: down, update: down }) });
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('trackEvent', 'clicked');
    h.Intercom('update', { plan: 'pro' });
    await h.clock.advance(30_000);
    expect(attempts).toBeGreaterThanOrEqual(2);
    h.messenger.stop();
    const before = attempts;
    await h.clock.advance(10 * 60_000);
    expect(attempts).toBe(before);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it("the same settings booted twice (intercomSettings on load, then the page's own boot) send no update", async () => {
    const h = createHarness();
    const settings = { app_id: 'acme', user_id: 'ada', email: 'ada@example.com', plan: 'pro' };
    h.Intercom('boot', settings);
    h.Intercom('boot', settings);
    await h.clock.settle();
    h.Intercom('boot', settings);
    await h.clock.advance(10_000);
    expect(h.server.calls()).toMatchObject({ boot: 1 });
    expect(h.server.calls().update ?? 0).toBe(0);
    // Anything new is an update, as before.
    h.Intercom('boot', { ...settings, plan: 'team' });
    await h.clock.advance(10_000);
    expect(h.server.calls().update).toBe(1);
  });

  it('a session the server ends (expired, or a logout in another tab) is booted again: the messenger does not go deaf', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada' });
    await h.clock.settle();
    const first = h.messenger.getSnapshot().context.session!;
    await h.server.transport.endSession(first);
    await h.clock.advance(5_000);
    expect(h.view().lifecycle).toBe('booted');
    const second = h.messenger.getSnapshot().context.session!;
    expect(second.token).not.toBe(first.token);
    expect(h.server.people()).toHaveLength(1);
    h.Intercom('trackEvent', 'after-expiry');
    await h.clock.advance(5_000);
    expect(h.server.events().map((event) => event.name)).toEqual(['after-expiry']);
    expect(h.server.streamCount()).toBe(1);
  });

  it('events the last page left unsent go out as the person who tracked them, even when the next page boots someone else', async () => {
    const { clock, server, pageLoad } = createPageLoads();
    const first = pageLoad();
    first.Intercom('boot', { app_id: 'acme', user_id: 'X' });
    await clock.settle();
    first.Intercom('trackEvent', 'x-viewed-invoice');
    await clock.advance(200); // the page is left before the batch goes, and no beacon made it
    first.stop();
    const second = pageLoad();
    second.Intercom('boot', { app_id: 'acme', user_id: 'Y' });
    second.Intercom('trackEvent', 'y-opened-settings');
    await clock.advance(5_000);
    const userOf = new Map(server.people().map((person) => [person.id, person.user_id]));
    expect(
      server
        .events()
        .map((event) => `${event.name} by ${userOf.get(event.personId)}`)
        .sort(),
    ).toEqual(['x-viewed-invoice by X', 'y-opened-settings by Y']);
  });

  it("a page load in another tab, as someone else, sends that tab's queued events without ending its session", async () => {
    const { clock, server, storage } = createPageLoads();
    const tab = () =>
      createMessenger({ transport: server.transport, storage, clock, logger: { warn: () => {} }, random: () => 0.5 });
    const b = tab();
    b.Intercom('boot', { app_id: 'acme', user_id: 'U' });
    await clock.settle();
    b.Intercom('trackEvent', 'queued-in-b');
    const a = tab();
    a.Intercom('boot', { app_id: 'acme' });
    await clock.advance(5_000);
    expect(server.calls().endSession ?? 0, "tab B's session is alive").toBe(0);
    expect(b.getView().lifecycle).toBe('booted');
    expect(server.calls().boot).toBe(2);
    expect(server.events().map((event) => event.name)).toEqual(['queued-in-b']);
  });

  it('a lead who gave an email in the prompt may log in with update(user_id): not refused as another person', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.view().supplyEmail('lead@example.com');
    await h.clock.advance(5_000);
    h.Intercom('update', { user_id: 'U', email: 'real@example.com' });
    await h.clock.advance(5_000);
    expect(h.warnings.filter((w) => w.includes('not the person booted'))).toEqual([]);
    expect(h.server.people()).toEqual([expect.objectContaining({ email: 'real@example.com' })]);
  });

  it('a new message edited after a failed send is sent as a new one (its own client id)', async () => {
    const h = createHarness({ transport: losingFirstStartAnswer });
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('showNewMessage');
    h.view().sendMessage('first words');
    await h.clock.settle();
    h.view().sendMessage('first words, better put');
    await h.clock.settle();
    const conversations = h.server.conversationsOf(h.server.people()[0]!.id);
    expect(conversations.map((c) => h.server.messagesOf(c.id)[0]!.body).sort()).toEqual([
      'first words',
      'first words, better put',
    ]);
  });

  it('a session refused on its events (a tab left open past the week) is booted again, and the events then go', async () => {
    let refuse = false;
    const h = createHarness({
      transport: (base) => ({
        ...base,
        trackEvents: (session, events) =>
          refuse && session.token === firstToken
            ? Promise.reject(TransportError.fromStatus(401, 'the session is unknown, expired or revoked'))
            : base.trackEvents(session, events),
      }),
    });
    let firstToken = '';
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada' });
    await h.clock.settle();
    firstToken = h.messenger.getSnapshot().context.session!.token;
    refuse = true;
    h.Intercom('trackEvent', 'late');
    await h.clock.advance(10_000);
    expect(h.messenger.getSnapshot().context.session!.token).not.toBe(firstToken);
    expect(h.server.events().map((event) => event.name)).toEqual(['late']);
  });

  it('a server that refuses every new session is not booted again in a loop: three tries, then one warning', async () => {
    const h = createHarness({
      transport: (base) => ({
        ...base,
        subscribe: (_session, handlers) => {
          const timer = setTimeout(() => handlers.onError?.(TransportError.fromStatus(401, 'refused')), 0);
          return () => clearTimeout(timer);
        },
      }),
    });
    h.Intercom('boot', { app_id: 'acme' });
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await h.clock.advance(60_000);
    }
    expect(h.server.calls().boot).toBe(4);
    expect(h.warnings.filter((w) => w.includes('keeps refusing'))).toHaveLength(1);
    expect(h.view().lifecycle).toBe('booted');
  });

  it("two tabs of the site share the saved queue: one tab's save does not erase events the other has not sent", async () => {
    const { clock, server, storage, pageLoad } = createPageLoads();
    const aOnline = false;
    const tabA = createMessenger({
      transport: {
        ...server.transport,
        trackEvents: (...args) =>
          aOnline ? server.transport.trackEvents(...args) : Promise.reject(new TypeError('offline')),
      },
      storage,
      clock,
      logger: { warn: () => {} },
      random: () => 0.5,
    });
    const tabB = pageLoad();
    tabA.Intercom('boot', { app_id: 'acme', user_id: 'X' });
    tabB.Intercom('boot', { app_id: 'acme', user_id: 'X' });
    await clock.settle();
    tabA.Intercom('trackEvent', 'from-a'); // tab A is offline: it keeps retrying
    await clock.advance(1_500);
    tabB.Intercom('trackEvent', 'from-b'); // tab B sends, is acknowledged, saves
    await clock.advance(1_500);
    expect(server.events().map((event) => event.name)).toEqual(['from-b']);
    tabA.stop(); // tab A is closed before it got through
    const next = pageLoad();
    next.Intercom('boot', { app_id: 'acme', user_id: 'X' });
    await clock.advance(5_000);
    expect(
      server
        .events()
        .map((event) => event.name)
        .sort(),
    ).toEqual(['from-a', 'from-b']);
    expect(storage.get(storageKeys('acme').eventQueue)).toBeUndefined();
  });

  it("a logout takes the whole saved queue, other tabs' events too: nothing of the person is left to go out as the next one", async () => {
    const { clock, server, storage, pageLoad } = createPageLoads();
    const a = pageLoad();
    const b = pageLoad();
    a.Intercom('boot', { app_id: 'acme', user_id: 'X' });
    b.Intercom('boot', { app_id: 'acme', user_id: 'X' });
    await clock.settle();
    b.Intercom('trackEvent', 'x-private');
    await clock.advance(200);
    b.stop(); // closed before its batch went
    a.Intercom('shutdown');
    await clock.advance(1_000);
    expect(storage.get(storageKeys('acme').eventQueue)).toBeUndefined();
    a.Intercom('boot', { app_id: 'acme', user_id: 'Y' });
    await clock.advance(5_000);
    const userOf = new Map(server.people().map((person) => [person.id, person.user_id]));
    expect(server.events().filter((event) => userOf.get(event.personId) === 'Y')).toEqual([]);
  });

  it('a boot as someone else while waiting to boot again (the session was refused) logs the first person out first', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'alice' });
    await h.clock.settle();
    const visitor = h.Intercom('getVisitorId');
    await h.server.transport.endSession(h.messenger.getSnapshot().context.session!);
    await h.clock.settle(); // the stream's 401: waiting to boot alice again
    expect(h.view().lifecycle).toBe('booting');
    h.Intercom('boot', { app_id: 'acme', user_id: 'bob' });
    await h.clock.advance(10_000);
    expect(h.messenger.getSnapshot().context.person).toMatchObject({ user_id: 'bob' });
    expect(h.Intercom('getVisitorId')).not.toBe(visitor);
  });

  it('a quiet tab whose session is refused once a week keeps booting again, week after week', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada' });
    await h.clock.settle();
    for (let week = 0; week < 5; week++) {
      await h.server.transport.endSession(h.messenger.getSnapshot().context.session!);
      await h.clock.advance(7 * 24 * 3600 * 1000);
    }
    expect(h.server.calls().boot).toBe(6);
    expect(h.view().lifecycle).toBe('booted');
    expect(h.warnings.filter((w) => w.includes('keeps refusing'))).toEqual([]);
  });

  it('a reload keeps the session: the next page load resumes the same person', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    const person = h.messenger.getSnapshot().context.person!;
    h.messenger.stop();
    const { createMessenger } = await import('../src');
    const reloaded = createMessenger({
      transport: h.server.transport,
      storage: h.storage,
      clock: h.clock,
      logger: { warn: () => {} },
    });
    reloaded.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    expect(reloaded.getSnapshot().context.person!.id).toBe(person.id);
    expect(reloaded.Intercom('getVisitorId')).toBe(person.visitor_id);
  });
});

describe('the panel', () => {
  it('moves between its views and the team reply arrives live', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    h.Intercom('showNewMessage', 'prefilled');
    expect(h.view()).toMatchObject({ open: true, view: 'newMessage', draft: 'prefilled' });
    h.view().sendMessage('My first question');
    expect(h.view().sending).toBe(true);
    await h.clock.settle();
    expect(h.view().view).toBe('conversation');
    const id = h.view().thread!.conversationId;

    // Never counted as unread, not even for a moment: the page's badge and hook stay quiet.
    const counts: number[] = [];
    const stop = h.Intercom('onUnreadCountChange', (n) => counts.push(n));
    h.server.team.reply(id, 'Happy to help');
    await h.clock.settle();
    expect(counts).toEqual([]);
    stop();
    // Read at once because the thread is on screen.
    expect(h.view().thread!.messages.map((m) => [m.author, m.body])).toEqual([
      ['person', 'My first question'],
      ['team', 'Happy to help'],
    ]);
    expect(h.view().unreadCount).toBe(0);

    h.Intercom('hide');
    h.server.team.reply(id, 'Anything else?');
    await h.clock.settle();
    expect(h.view().unreadCount).toBe(1);

    h.Intercom('showMessages');
    await h.clock.settle();
    expect(h.view().conversations[0]).toMatchObject({ id, unread_count: 1 });
    h.view().openConversation(id);
    await h.clock.settle();
    expect(h.view()).toMatchObject({ view: 'conversation', unreadCount: 0 });
    h.view().sendMessage('No, thanks');
    await h.clock.settle();
    expect(h.server.messagesOf(id).map((m) => m.body)).toEqual([
      'My first question',
      'Happy to help',
      'Anything else?',
      'No, thanks',
    ]);
    h.view().back();
    expect(h.view().view).toBe('messages');
    h.view().back();
    expect(h.view().view).toBe('home');
    h.view().toggle();
    expect(h.view().open).toBe(false);
  });

  it('team replies that arrive live while the thread is loading are kept when it loads', async () => {
    let h: ReturnType<typeof createHarness> | null = null;
    h = createHarness({
      transport: (base) => ({
        ...base,
        getConversation: async (session, id) => {
          const snapshot = await base.getConversation(session, id);
          await new Promise<void>((resolve) => h!.clock.setTimeout(() => resolve(), 5_000));
          return snapshot;
        },
      }),
    });
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    h.Intercom('startConversation', 'Question');
    await h.clock.advance(5_000);
    const id = h.view().thread!.conversationId;
    h.Intercom('showMessages');
    await h.clock.settle();
    h.view().openConversation(id);
    await h.clock.settle();
    h.server.team.reply(id, 'live one');
    h.server.team.reply(id, 'live two');
    await h.clock.advance(5_000);
    expect(h.view().thread!.messages.map((m) => m.body)).toEqual(['Question', 'live one', 'live two']);
  });

  it('a message that fails to send stays on screen, marked, and can be retried', async () => {
    let fail = true;
    const h = createHarness({
      transport: (base) => ({
        ...base,
        postMessage: (...args) => (fail ? Promise.reject(new TypeError('offline')) : base.postMessage(...args)),
      }),
    });
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('startConversation', 'hello');
    await h.clock.settle();
    h.view().sendMessage('are you there?');
    await h.clock.settle();
    const failed = h.view().thread!.messages.at(-1)!;
    expect(failed).toMatchObject({ body: 'are you there?', status: 'failed' });
    fail = false;
    h.view().retryMessage(failed.id);
    await h.clock.settle();
    expect(h.view().thread!.messages.at(-1)).toMatchObject({ body: 'are you there?', status: 'sent' });
    expect(h.server.messagesOf(h.view().thread!.conversationId)).toHaveLength(2);
  });

  it('a send that fails after the panel was closed is marked failed (retryable) when the thread is opened again', async () => {
    let fail = false;
    const h = createHarness({
      transport: (base) => ({
        ...base,
        postMessage: (...args) =>
          new Promise<void>((resolve) => h.clock.setTimeout(resolve, 5)).then(() =>
            fail ? Promise.reject(new TypeError('offline')) : base.postMessage(...args),
          ),
      }),
    });
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('startConversation', 'hello');
    await h.clock.settle();
    const id = h.view().thread!.conversationId;
    fail = true;
    h.view().sendMessage('second');
    h.Intercom('hide');
    await h.clock.advance(10);
    h.Intercom('showConversation', id);
    await h.clock.advance(10);
    expect(h.view().thread!.messages.map((m) => `${m.body}:${m.status}`)).toEqual(['hello:sent', 'second:failed']);
  });

  it('sending a new conversation again after its answer was lost makes no second conversation', async () => {
    const h = createHarness({ transport: losingFirstStartAnswer });
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('showNewMessage');
    h.view().sendMessage('help me');
    await h.clock.settle();
    expect(h.view()).toMatchObject({ view: 'newMessage', draft: 'help me' });
    h.view().sendMessage(h.view().draft);
    await h.clock.settle();
    expect(h.view().view).toBe('conversation');
    expect(h.server.conversationsOf(h.server.people()[0]!.id)).toHaveLength(1);
  });

  it('news of a kind this version does not know is ignored: the messenger goes on', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('startConversation', 'hello');
    await h.clock.settle();
    const before = h.view();
    h.messenger.send({ type: 'REALTIME', event: { id: '999', type: 'typing', conversation_id: 'x' } as never });
    h.messenger.send({ type: 'REALTIME', event: { id: '1000', type: 'unread' } as never });
    expect(h.messenger.actor.getSnapshot().status).toBe('active');
    expect(h.view().unreadCount).toBe(before.unreadCount);
    expect(h.view().conversations).toEqual(before.conversations);
    h.server.team.reply(h.view().thread!.conversationId, 'still here');
    await h.clock.settle();
    expect(h.view().thread!.messages.map((m) => m.body)).toEqual(['hello', 'still here']);
  });

  it('a thread opens even when marking it read fails: it stays unread, as the server counts it', async () => {
    const markReadWorks = false;
    const h = createHarness({
      transport: (base) => ({
        ...base,
        markRead: (...args) => (markReadWorks ? base.markRead(...args) : Promise.reject(new TypeError('offline'))),
      }),
    });
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('startConversation', 'hello');
    await h.clock.settle();
    const id = h.view().thread!.conversationId;
    h.Intercom('hide');
    h.server.team.reply(id, 'an answer');
    await h.clock.settle();
    expect(h.view().unreadCount).toBe(1);
    h.Intercom('showConversation', id);
    await h.clock.advance(1_000);
    expect(h.view().thread).toMatchObject({ loading: false });
    expect(h.view().thread!.messages.map((m) => m.body)).toEqual(['hello', 'an answer']);
    expect(h.view().error).toBeNull();
    expect(h.view().unreadCount).toBe(1);
  });
});

/** A network where the first new conversation reaches the server but its answer is lost. */
function losingFirstStartAnswer(base: Transport): Transport {
  let loseAnswer = true;
  return {
    ...base,
    startConversation: async (...args) => {
      const made = await base.startConversation(...args);
      if (loseAnswer) {
        loseAnswer = false;
        throw new TypeError('connection reset');
      }
      return made;
    },
  };
}
