import { describe, expect, it } from 'vitest';
import {
  admitUpdate,
  canAdmitUpdate,
  mergePatch,
  msUntilReset,
  storageKeys,
  UPDATE_LIMIT,
  UPDATE_WINDOW_MS,
  type UpdatePatch,
  type UpdateWindow,
} from '../src';
import { createHarness, createPageLoads } from '../src/testing';

const T0 = 1_000_000;

function admitMany(count: number, at = T0): UpdateWindow {
  let window: UpdateWindow = { openedAt: null, count: 0 };
  for (let i = 0; i < count; i++) window = admitUpdate(window, at + i);
  return window;
}

describe('the update window (Intercom: 20 per 30 minutes per page load)', () => {
  it('admits the 20th call and refuses the 21st', () => {
    const nineteen = admitMany(19);
    expect(canAdmitUpdate(nineteen, T0 + 100)).toBe(true);
    const twenty = admitUpdate(nineteen, T0 + 100);
    expect(twenty.count).toBe(UPDATE_LIMIT);
    expect(canAdmitUpdate(twenty, T0 + 101)).toBe(false);
  });

  it('resets exactly 30 minutes after the window opened, not after the last call', () => {
    const full = admitMany(20);
    expect(canAdmitUpdate(full, T0 + UPDATE_WINDOW_MS - 1)).toBe(false);
    expect(msUntilReset(full, T0 + 1000)).toBe(UPDATE_WINDOW_MS - 1000);
    expect(canAdmitUpdate(full, T0 + UPDATE_WINDOW_MS)).toBe(true);
    expect(admitUpdate(full, T0 + UPDATE_WINDOW_MS)).toEqual({ openedAt: T0 + UPDATE_WINDOW_MS, count: 1 });
  });
});

describe('pending patch merging', () => {
  it('keeps the last value of every attribute and merges custom attributes key by key', () => {
    const patches: UpdatePatch[] = [
      { identity: {}, attributes: { name: 'A', custom_attributes: { plan: 'free', seats: 1 } }, page: { url: '/1' } },
      { identity: { email: 'a@x.io' }, attributes: { custom_attributes: { plan: 'pro' } } },
      {
        identity: {},
        attributes: { name: 'B', company: { company_id: 'c1', plan: 'x', custom_attributes: { tier: 1 } } },
      },
      {
        identity: {},
        attributes: { company: { company_id: 'c1', name: 'Acme', custom_attributes: { region: 'eu' } } },
        page: { url: '/4' },
      },
    ];
    const merged = patches.reduce<UpdatePatch | null>(mergePatch, null);
    expect(merged).toEqual({
      identity: { email: 'a@x.io' },
      attributes: {
        name: 'B',
        custom_attributes: { plan: 'pro', seats: 1 },
        company: { company_id: 'c1', plan: 'x', name: 'Acme', custom_attributes: { tier: 1, region: 'eu' } },
      },
      page: { url: '/4' },
    });
  });

  it('a different company replaces the earlier one rather than mixing them', () => {
    const merged = mergePatch(
      { identity: {}, attributes: { company: { company_id: 'a', name: 'A', plan: 'p' } } },
      { identity: {}, attributes: { company: { company_id: 'b', name: 'B' } } },
    );
    expect(merged.attributes.company).toEqual({ company_id: 'b', name: 'B' });
  });
});

describe('throttling through Intercom()', () => {
  it('call 20 goes out, call 21 is held; after the reset the held calls go out as one with the last values', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();

    for (let i = 1; i <= 20; i++) h.Intercom('update', { counter: i });
    await h.clock.settle();
    expect(h.view().throttled).toBe(false);
    expect(h.server.calls().update).toBeGreaterThanOrEqual(1);
    expect(h.server.people()[0]!.attributes.custom_attributes).toEqual({ counter: 20 });

    for (let i = 21; i <= 25; i++) h.Intercom('update', { counter: i, [`only_${i}`]: true });
    await h.clock.settle();
    expect(h.view().throttled).toBe(true);
    const updatesWhileThrottled = h.server.calls().update;
    expect(h.server.people()[0]!.attributes.custom_attributes).toEqual({ counter: 20 });

    await h.clock.advance(UPDATE_WINDOW_MS - 1000);
    expect(h.view().throttled).toBe(true);
    expect(h.server.calls().update).toBe(updatesWhileThrottled);

    await h.clock.advance(1000);
    expect(h.view().throttled).toBe(false);
    expect(h.server.calls().update).toBe(updatesWhileThrottled! + 1);
    expect(h.server.people()[0]!.attributes.custom_attributes).toEqual({
      counter: 25,
      only_21: true,
      only_22: true,
      only_23: true,
      only_24: true,
      only_25: true,
    });
    expect(h.warnings).toEqual([]);
  });

  it('held updates outlive a page change: the next page load, with a fresh window, sends them', async () => {
    const { clock, server, storage, pageLoad } = createPageLoads();
    const first = pageLoad();
    first.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await clock.settle();
    for (let i = 1; i <= 22; i++) first.Intercom('update', { step: i, ...(i === 21 ? { only_21: true } : {}) });
    await clock.settle();
    expect(server.people()[0]!.attributes.custom_attributes).toEqual({ step: 20 });
    first.stop(); // the visitor follows a link before the window opens

    const second = pageLoad();
    second.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await clock.settle();
    expect(server.people()[0]!.attributes.custom_attributes).toEqual({ step: 22, only_21: true });
    expect(storage.get(storageKeys('acme').heldUpdate)).toBeUndefined();
  });

  it("a held update is not carried into another person's session", async () => {
    const { clock, server, storage, pageLoad } = createPageLoads();
    const first = pageLoad();
    first.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await clock.settle();
    for (let i = 1; i <= 21; i++) first.Intercom('update', { step: i });
    await clock.settle();
    first.Intercom('shutdown');
    await clock.settle();
    expect(storage.get(storageKeys('acme').heldUpdate)).toBeUndefined();
    first.stop();
    const second = pageLoad();
    second.Intercom('boot', { app_id: 'acme', user_id: 'u2' });
    await clock.settle();
    expect(server.people().find((p) => p.user_id === 'u2')!.attributes.custom_attributes).toBeUndefined();
  });

  it("nor into the next page load's boot of someone else without a shutdown (the site logged the first out itself)", async () => {
    const { clock, server, pageLoad } = createPageLoads();
    const first = pageLoad();
    first.Intercom('boot', { app_id: 'acme', user_id: 'X' });
    await clock.settle();
    for (let i = 1; i <= 21; i++) first.Intercom('update', { name: 'Xavier', phone: '+1-555-0100', step: i });
    await clock.settle();
    first.stop();
    // The next page boots Y: its boot request still carries X's session cookie.
    const second = pageLoad();
    second.Intercom('boot', { app_id: 'acme', user_id: 'Y' });
    await clock.advance(100);
    const y = server.people().find((p) => p.user_id === 'Y')!;
    expect(y.name ?? y.attributes.name).toBeUndefined();
    expect(y.attributes.phone).toBeUndefined();
    expect(server.people().find((p) => p.user_id === 'X')!.attributes.custom_attributes).toEqual({ step: 20 });
  });

  it("a lead's held update goes with them when the next page logs them in as an existing user", async () => {
    const { clock, server, pageLoad } = createPageLoads();
    const existing = pageLoad();
    existing.Intercom('boot', { app_id: 'acme', user_id: 'U' });
    await clock.settle();
    existing.Intercom('shutdown');
    await clock.settle();
    existing.stop();
    const first = pageLoad();
    first.Intercom('boot', { app_id: 'acme' });
    await clock.settle();
    for (let i = 1; i <= 21; i++) first.Intercom('update', { step: i });
    await clock.settle();
    first.stop();
    const second = pageLoad();
    second.Intercom('boot', { app_id: 'acme', user_id: 'U' });
    await clock.advance(100);
    expect(server.people().find((p) => p.user_id === 'U')!.attributes.custom_attributes).toEqual({ step: 21 });
  });

  it('a tab releasing its held update leaves the one another tab holds since', async () => {
    const { clock, server, storage, pageLoad } = createPageLoads();
    const a = pageLoad();
    a.Intercom('boot', { app_id: 'acme', user_id: 'X' });
    await clock.settle();
    for (let i = 1; i <= 21; i++) a.Intercom('update', { a_step: i });
    await clock.settle();
    await clock.advance(10 * 60_000);
    // Ten minutes later a second tab fills its own window; its 21st update is held.
    const b = pageLoad();
    b.Intercom('boot', { app_id: 'acme', user_id: 'X' });
    await clock.settle();
    for (let i = 1; i <= 21; i++) b.Intercom('update', { b_step: i });
    await clock.settle();
    // Tab A's window resets: it sends its held update; B's stays held for B.
    await clock.advance(21 * 60_000);
    expect(storage.get(storageKeys('acme').heldUpdate)).toContain('b_step');
    b.stop(); // tab B navigates before its window resets: the next page load sends what B held
    a.stop();
    const next = pageLoad();
    next.Intercom('boot', { app_id: 'acme', user_id: 'X' });
    await clock.advance(1_000);
    expect(server.people()[0]!.attributes.custom_attributes).toMatchObject({ a_step: 21, b_step: 21 });
  });

  it('the window belongs to the page load: a shutdown and a new boot do not reset it', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    for (let i = 0; i < 21; i++) h.Intercom('update', { n: i });
    await h.clock.settle();
    expect(h.view().throttled).toBe(true);
    h.Intercom('shutdown');
    h.Intercom('boot', { app_id: 'acme', user_id: 'u2' });
    await h.clock.settle();
    expect(h.view().lifecycle).toBe('booted');
    // u1's held patch was user data: it is gone, so nothing is held for u2 yet.
    expect(h.view().throttled).toBe(false);
    h.Intercom('update', { step: 'u2' });
    expect(h.view().throttled).toBe(true);
    await h.clock.advance(UPDATE_WINDOW_MS);
    expect(h.view().throttled).toBe(false);
    const u2 = h.server.people().find((p) => p.user_id === 'u2')!;
    expect(u2.attributes.custom_attributes).toEqual({ step: 'u2' });
    const u1 = h.server.people().find((p) => p.user_id === 'u1')!;
    expect(u1.attributes.custom_attributes).toEqual({ n: 19 });
  });

  it('an update with no argument logs a page impression', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    h.Intercom('update');
    await h.clock.settle();
    const person = h.server.people()[0]!;
    // One from boot, one from the update.
    expect(h.server.pageViews(person.id)).toEqual([
      { url: 'https://shop.example/pricing', title: 'Pricing' },
      { url: 'https://shop.example/pricing', title: 'Pricing' },
    ]);
  });

  it('a failed update is retried with backoff and later values still win', async () => {
    let failuresLeft = 2;
    const h = createHarness({
      transport: (base) => ({
        ...base,
        update: (session, request) => {
          if (failuresLeft-- > 0) return Promise.reject(new TypeError('network down'));
          return base.update(session, request);
        },
      }),
    });
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    h.Intercom('update', { plan: 'free', seats: 1 });
    await h.clock.settle();
    h.Intercom('update', { plan: 'pro' });
    await h.clock.advance(10_000);
    expect(h.server.people()[0]!.attributes.custom_attributes).toEqual({ plan: 'pro', seats: 1 });
  });
});
