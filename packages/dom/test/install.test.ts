import { clearPage } from '@confab/adapter-suite/page';
import { afterEach, describe, expect, it } from 'vitest';
import { createPage, type Page, snippetStub } from './page-harness';

let current: Page | null = null;
const open = (options: Parameters<typeof createPage>[0] = {}) => (current = createPage(options));
afterEach(() => {
  current?.page.destroy();
  current = null;
});

describe('installing window.Intercom', () => {
  it("replays the snippet's queued calls in order, after booting from intercomSettings", async () => {
    const shown: string[] = [];
    const p = open({
      settings: { app_id: 'acme', user_id: 'u1', name: 'Ada' },
      queued: [
        ['onShow', () => shown.push('show')],
        ['trackEvent', 'signed-up', { plan: 'pro' }],
        ['showNewMessage', 'Hello from the queue'],
        ['reattach_activator'],
      ],
    });
    await p.settle();
    await p.clock.advance(2_000);
    expect(p.Intercom.booted).toBe(true);
    expect(p.server.people()).toMatchObject([{ user_id: 'u1' }]);
    expect(p.server.events().map((e) => [e.name, e.metadata])).toEqual([['signed-up', { plan: 'pro' }]]);
    expect(shown).toEqual(['show']);
    expect(p.part('panel')!.getAttribute('data-view')).toBe('newMessage');
    expect(p.part<HTMLTextAreaElement>('input')!.value).toBe('Hello from the queue');
    expect(p.warnings, 'reattach_activator, from the standard snippet, is no mistake').toEqual([]);
  });

  it('without intercomSettings waits for a boot call; update() with no argument re-reads intercomSettings', async () => {
    const p = open();
    await p.settle();
    expect(p.Intercom.booted).toBe(false);
    expect(p.part('launcher')!.hidden).toBe(true);
    p.Intercom('boot', { app_id: 'acme', user_id: 'u2' });
    await p.settle();
    expect(p.part('launcher')!.hidden).toBe(false);
    (window as unknown as { intercomSettings: unknown }).intercomSettings = { app_id: 'acme', plan: 'team', seats: 4 };
    p.Intercom('update');
    await p.settle();
    expect(p.server.people()[0]!.attributes.custom_attributes).toEqual({ plan: 'team', seats: 4 });
  });

  it('a bad call warns and throws nothing into the page', async () => {
    const p = open({ settings: { app_id: 'acme' } });
    await p.settle();
    expect(() => p.Intercom('trackEvent' as never, '' as never)).not.toThrow();
    expect(() => (p.Intercom as unknown as (...a: unknown[]) => unknown)({ toString: () => 'boot' })).not.toThrow();
    expect(p.warnings).toHaveLength(2);
    expect(p.warnings[0]).toMatch(/Intercom\('trackEvent'\): event name must not be empty/);
  });

  it("odd entries in the snippet's queue are skipped with a warning each; the good ones still run and the page gets its Intercom", async () => {
    clearPage();
    const stub = snippetStub([['boot', { app_id: 'acme' }], ['show']]);
    stub.q.splice(
      1,
      0,
      'show',
      null,
      { length: 2 ** 32 },
      {
        get length() {
          throw new Error('boom');
        },
      },
    );
    (window as unknown as { Intercom: unknown }).Intercom = stub;
    let p!: ReturnType<typeof open>;
    expect(() => (p = open({ keep: true }))).not.toThrow();
    await p.settle();
    expect(p.warnings).toEqual(
      [1, 2, 3, 4].map((index) => expect.stringContaining(`Intercom.q[${index}] is not a call`)),
    );
    expect(p.Intercom).not.toBe(stub);
    expect(p.page.messenger.getView()).toMatchObject({ booted: true, open: true });
  });

  it('a queue that throws when read is skipped with a warning, and the page still gets its Intercom', async () => {
    clearPage();
    const stub = snippetStub([]);
    Object.defineProperty(stub, 'q', {
      get() {
        throw new Error('hostile');
      },
    });
    (window as unknown as { Intercom: unknown }).Intercom = stub;
    let p!: ReturnType<typeof open>;
    expect(() => (p = open({ keep: true, settings: { app_id: 'acme' } }))).not.toThrow();
    await p.settle();
    expect(p.warnings).toEqual([expect.stringContaining('Intercom.q) could not be read')]);
    expect(p.page.messenger.getView().booted).toBe(true);
  });

  it('a second copy of the script keeps the first install', async () => {
    const p = open({ settings: { app_id: 'acme' } });
    await p.settle();
    const first = (window as unknown as { Intercom: unknown }).Intercom;
    const { installIntercom } = await import('../src');
    const again = installIntercom({ window });
    expect(again).toBe(p.page);
    expect((window as unknown as { Intercom: unknown }).Intercom).toBe(first);
    expect(document.querySelectorAll('[data-confab-host]')).toHaveLength(1);
  });
});

describe('cookies', () => {
  const cookieNames = () =>
    document.cookie
      .split('; ')
      .filter(Boolean)
      .map((c) => c.split('=')[0]!);

  it("uses Intercom's names; shutdown deletes the session and replaces the visitor id", async () => {
    const p = open({ settings: { app_id: 'acme', user_id: 'u1' } });
    await p.settle();
    expect(cookieNames().sort()).toEqual(['intercom-device-id-acme', 'intercom-id-acme', 'intercom-session-acme']);
    const visitor = p.Intercom('getVisitorId');
    expect(document.cookie).toContain(`intercom-id-acme=${visitor}`);
    p.Intercom('trackEvent', 'queued-before-logout');
    p.Intercom('shutdown');
    await p.settle();
    expect(cookieNames()).not.toContain('intercom-session-acme');
    expect(p.Intercom('getVisitorId')).not.toBe(visitor);
    expect(Object.keys(localStorage).filter((k) => k.startsWith('confab-'))).toEqual([]);
  });

  it('a reload resumes the same visitor from the cookies', async () => {
    const first = open({ settings: { app_id: 'acme' } });
    await first.settle();
    const visitor = first.Intercom('getVisitorId');
    first.page.destroy();
    const second = open({ settings: { app_id: 'acme' }, keep: true });
    await second.settle();
    expect(second.Intercom('getVisitorId')).toBe(visitor);
  });
});
