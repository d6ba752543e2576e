import { clearPage } from '@confab/adapter-suite/page';
import { createMemoryServer, createSimulatedClock, type MemoryServer, type SimulatedClock } from '@confab/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, defineComponent, h, nextTick, ref, type App, type Component } from 'vue';
import { ConfabMessenger, createConfab, useIntercom, type UseIntercom } from '../src';

interface Mounted {
  app: App;
  element: HTMLElement;
  api: UseIntercom;
  server: MemoryServer;
  clock: SimulatedClock;
  warnings: string[];
  settle(): Promise<void>;
}

let current: Mounted | null = null;
afterEach(() => {
  current?.app.unmount();
  current = null;
});

/** An app with the plugin (the in-memory server in place of the network) and a component of the caller's. */
function mountApp(options: { boot?: Record<string, unknown>; child?: Component; slots?: Record<string, (props: never) => unknown> } = {}): Mounted {
  clearPage();
  const clock = createSimulatedClock(Date.now());
  const server = createMemoryServer({ clock });
  const warnings: string[] = [];
  let api: UseIntercom | undefined;
  const App = defineComponent({
    setup() {
      api = useIntercom();
      return () => h('main', [options.child ? h(options.child) : null, h(ConfabMessenger, null, options.slots ?? {})]);
    },
  });
  const element = document.createElement('div');
  document.body.append(element);
  const app = createApp(App);
  app.use(
    createConfab({
      ...(options.boot ?? {}),
      autoBoot: options.boot !== undefined,
      transport: server.transport,
      clock,
      logger: { warn: (message) => warnings.push(message) },
      random: () => 0.5,
    }),
  );
  app.mount(element);
  const mounted: Mounted = {
    app,
    element,
    api: api!,
    server,
    clock,
    warnings,
    async settle() {
      await clock.settle();
      await nextTick();
    },
  };
  current = mounted;
  return mounted;
}

const part = (m: Mounted, name: string) => m.element.querySelector<HTMLElement>(`[data-scope="confab"][data-part="${name}"]`);

describe('useIntercom()', () => {
  it('returns every command as a function and the state as read-only refs that follow the messenger', async () => {
    const m = mountApp({ boot: { app_id: 'acme', user_id: 'u1' } });
    const { api } = m;
    expect(api.isBooted.value).toBe(false);
    await m.settle();
    expect(api.isBooted.value).toBe(true);
    expect(api.visitorId.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(api.visitorId.value).toBe(api.getVisitorId());
    expect(api.isOpen.value).toBe(false);
    api.showMessages();
    await m.settle();
    expect([api.isOpen.value, api.view.value]).toEqual([true, 'messages']);
    api.startConversation('Hello');
    await m.settle();
    const id = m.server.conversationsOf(m.server.people()[0]!.id)[0]!.id;
    api.hide();
    await m.settle();
    m.server.team.reply(id, 'Hi!');
    await m.settle();
    expect(api.unreadCount.value).toBe(1);
    expect(part(m, 'badge')!.textContent).toBe('1');
    for (let i = 0; i < 21; i++) api.update({ plan: `p${i}` });
    await m.settle();
    expect(api.isThrottled.value).toBe(true);
    // Read-only: writing a ref is refused by Vue and changes nothing.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    (api.isOpen as { value: boolean }).value = true;
    warn.mockRestore();
    expect(api.isOpen.value).toBe(false);
  });

  it('a bad call warns and changes nothing, through the same validation as Intercom()', async () => {
    const m = mountApp({ boot: { app_id: 'acme', user_id: 'u1' } });
    await m.settle();
    (m.api.trackEvent as (name: unknown) => void)('');
    expect(m.warnings).toEqual([expect.stringContaining("Intercom('trackEvent')")]);
    expect(m.server.events()).toHaveLength(0);
  });

  it('hooks registered inside a component end with it; hooks registered outside stay', async () => {
    const showing = ref(true);
    const calls: string[] = [];
    const Child = defineComponent({
      setup() {
        useIntercom().onShow(() => calls.push('child'));
        return () => h('span', 'child');
      },
    });
    const Parent = defineComponent({ setup: () => () => (showing.value ? h(Child) : null) });
    const m = mountApp({ boot: { app_id: 'acme', user_id: 'u1' }, child: Parent });
    m.api.onShow(() => calls.push('app'));
    await m.settle();
    m.api.show();
    await m.settle();
    expect(calls.sort()).toEqual(['app', 'child']);
    showing.value = false;
    await nextTick();
    m.api.hide();
    m.api.show();
    await m.settle();
    expect(calls.sort()).toEqual(['app', 'app', 'child']);
  });

  it('logout and login in the same tab: state, hooks and the UI keep working, and the next person sees none of the first one’s conversations', async () => {
    const m = mountApp({ boot: { app_id: 'acme', user_id: 'alice' } });
    const shown: number[] = [];
    const unread: number[] = [];
    m.api.onShow(() => shown.push(Date.now()));
    m.api.onUnreadCountChange((n) => unread.push(n));
    await m.settle();
    m.api.startConversation('Alice asks');
    await m.settle();
    const aliceConversation = m.server.conversationsOf(m.server.people()[0]!.id)[0]!.id;
    const aliceVisitor = m.api.visitorId.value;

    m.api.shutdown();
    await m.settle();
    expect([m.api.isBooted.value, m.api.isOpen.value]).toEqual([false, false]);
    expect(part(m, 'launcher')!.hidden).toBe(true);
    expect(m.api.visitorId.value, 'shutdown replaces the visitor id').not.toBe(aliceVisitor);

    m.api.boot({ app_id: 'acme', user_id: 'bob' });
    await m.settle();
    expect(m.api.isBooted.value).toBe(true);
    expect(part(m, 'launcher')!.hidden).toBe(false);
    m.api.showMessages();
    await m.settle();
    expect(shown).toHaveLength(2);
    expect(m.element.querySelector('.confab-empty')?.textContent).toBe('No conversations yet');
    expect(m.element.querySelector(`[data-conversation-id="${aliceConversation}"]`)).toBeNull();

    m.api.startConversation('Bob asks');
    await m.settle();
    const bob = m.server.people().find((p) => p.user_id === 'bob')!;
    const bobConversation = m.server.conversationsOf(bob.id)[0]!.id;
    m.api.hide();
    await m.settle();
    m.server.team.reply(bobConversation, 'For Bob');
    m.server.team.reply(aliceConversation, 'For Alice, not shown to Bob');
    await m.settle();
    expect(m.api.unreadCount.value).toBe(1);
    expect(unread.at(-1)).toBe(1);
  });

  it('unmounting the app stops the messenger: the stream closes and nothing more happens', async () => {
    const m = mountApp({ boot: { app_id: 'acme', user_id: 'u1' } });
    await m.settle();
    expect(m.server.streamCount()).toBe(1);
    m.app.unmount();
    current = null;
    await m.settle();
    expect(m.server.streamCount()).toBe(0);
    expect(m.element.querySelector('[data-part]')).toBeNull();
    const calls = m.server.calls();
    m.api.update({ plan: 'after unmount' });
    await m.settle();
    expect(m.server.calls()).toEqual(calls);
  });

  it('without the plugin: one warning naming the fix, inert commands, initial state', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let api: UseIntercom | undefined;
    const app = createApp(defineComponent({ setup: () => ((api = useIntercom()), () => null) }));
    app.mount(document.createElement('div'));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('app.use(createConfab'));
    warn.mockRestore();
    expect(() => api!.boot({ app_id: 'acme' })).not.toThrow();
    expect(api!.isBooted.value).toBe(false);
    expect(typeof api!.onShow(() => {})).toBe('function');
    app.unmount();
  });
});

describe('<ConfabMessenger> slots', () => {
  it('the launcher slot draws the launcher’s content; the button, its label and the badge stay', async () => {
    const m = mountApp({
      boot: { app_id: 'acme', user_id: 'u1' },
      slots: { launcher: ({ open, unreadCount }: { open: boolean; unreadCount: number }) => h('b', { class: 'my-launcher' }, `${open ? 'Close' : 'Chat'} (${unreadCount})`) },
    });
    await m.settle();
    const launcher = part(m, 'launcher')!;
    expect(launcher.querySelector('.my-launcher')!.textContent).toBe('Chat (0)');
    expect(launcher.querySelector('svg')).toBeNull();
    expect(launcher.getAttribute('aria-label')).toBe('Open messenger');
    launcher.click();
    await m.settle();
    expect(launcher.querySelector('.my-launcher')!.textContent).toBe('Close (0)');
    expect(part(m, 'badge')).not.toBeNull();
  });

  it('the message slot draws each message from its props (the message, its author, its body as segments)', async () => {
    const m = mountApp({
      boot: { app_id: 'acme', user_id: 'u1' },
      slots: {
        message: ({ author, segments }: { author: string; segments: Array<{ kind: string; text: string }> }) =>
          h('p', { class: 'my-message' }, `${author}: ${segments.map((s) => (s.kind === 'link' ? `[${s.text}]` : s.text)).join('')}`),
      },
    });
    await m.settle();
    m.api.startConversation('See https://example.com/a. Thanks');
    await m.settle();
    const messages = [...m.element.querySelectorAll('[data-part="message"]')];
    expect(messages.map((message) => message.querySelector('.my-message')?.textContent)).toEqual(['You: See [https://example.com/a]. Thanks']);
    expect(messages[0]!.getAttribute('data-author'), 'the item keeps its parts').toBe('person');
  });
});
