import { createTestWorld } from '@confab/adapter-suite';
import { clearPage } from '@confab/adapter-suite/page';
import type { MemoryServer, SimulatedClock } from '@confab/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type App, type Component, createApp, defineComponent, h, nextTick, ref, shallowRef, watch } from 'vue';
import { ConfabMessenger, createConfab, type UseIntercom, useIntercom } from '../src';

// The messengers' subscriptions, counted while they last: the plugin's own is made as it installs.
const subscriptions = vi.hoisted(() => ({ live: 0 }));
vi.mock('@confab/core/browser', async (importOriginal) => {
  const core = await importOriginal<typeof import('@confab/core/browser')>();
  return {
    ...core,
    startBrowserMessenger(...args: Parameters<typeof core.startBrowserMessenger>) {
      const running = core.startBrowserMessenger(...args);
      const subscribe = running.messenger.subscribe.bind(running.messenger);
      running.messenger.subscribe = (listener) => {
        subscriptions.live += 1;
        const unsubscribe = subscribe(listener);
        let done = false;
        return () => {
          if (!done) subscriptions.live -= 1;
          done = true;
          unsubscribe();
        };
      };
      return running;
    },
  };
});

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
function mountApp(
  options: {
    boot?: Record<string, unknown>;
    child?: Component;
    slots?: Record<string, (props: never) => unknown>;
  } = {},
): Mounted {
  clearPage();
  const { clock, server, warnings, options: world } = createTestWorld();
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
  app.use(createConfab({ ...(options.boot ?? {}), autoBoot: options.boot !== undefined, ...world }));
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

const part = (m: Mounted, name: string) =>
  m.element.querySelector<HTMLElement>(`[data-scope="confab"][data-part="${name}"]`);

// Shared with every adapter (state, logout/login, unmount, slots): @confab/adapter-suite, run by
// adapter-suite.test.ts. Here: what only Vue has.
describe('useIntercom()', () => {
  it('its refs are read-only: a write is refused by Vue and changes nothing', async () => {
    const m = mountApp({ boot: { app_id: 'acme', user_id: 'u1' } });
    await m.settle();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    (m.api.isOpen as { value: boolean }).value = true;
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('readonly'), expect.anything());
    warn.mockRestore();
    expect(m.api.isOpen.value).toBe(false);
    expect(part(m, 'panel')!.hidden).toBe(true);
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

  it('without the plugin: one warning naming the fix, inert commands, initial state', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let api: UseIntercom | undefined;
    const app = createApp(
      defineComponent({
        setup: () => {
          api = useIntercom();
          return () => null;
        },
      }),
    );
    app.mount(document.createElement('div'));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('app.use(createConfab'));
    warn.mockRestore();
    expect(() => api!.boot({ app_id: 'acme' })).not.toThrow();
    expect(api!.isBooted.value).toBe(false);
    expect(typeof api!.onShow(() => {})).toBe('function');
    app.unmount();
  });
});

describe('a component mounted after the app (a route change, a client-only app)', () => {
  it('shows the live state from its first render: no false change from the initial state', async () => {
    const show = shallowRef(false);
    const seen: Array<[string, unknown]> = [];
    const Late = defineComponent({
      setup() {
        const { isBooted, unreadCount } = useIntercom();
        seen.push(['setup', isBooted.value]);
        watch(unreadCount, (count, before) => seen.push(['unread', `${before} -> ${count}`]));
        return () => h('p', String(isBooted.value));
      },
    });
    const Parent = defineComponent({ setup: () => () => (show.value ? h(Late) : null) });
    const m = mountApp({ boot: { app_id: 'acme', user_id: 'u1' }, child: Parent });
    await m.settle();
    show.value = true;
    await m.settle();
    expect(seen).toEqual([['setup', true]]);
  });
});

describe('one shared state per app', () => {
  it('useIntercom() outside a component (a router guard) adds no subscription; the app has one, ended as it unmounts', async () => {
    const before = subscriptions.live;
    const m = mountApp({
      boot: { app_id: 'acme', user_id: 'u1' },
      child: defineComponent({
        setup: () => {
          useIntercom();
          return () => h(ConfabMessenger);
        },
      }),
    });
    await m.settle();
    expect(subscriptions.live - before, 'the app, its components and the messenger share one').toBe(1);
    for (let i = 0; i < 50; i++) m.app.runWithContext(() => useIntercom().update({ last_page: `/p${i}` }));
    const outside = m.app.runWithContext(() => useIntercom());
    await m.settle();
    expect(subscriptions.live - before).toBe(1);
    m.api.show();
    await m.settle();
    expect(outside.isOpen.value, 'refs taken outside a component follow too').toBe(true);
    m.app.unmount();
    current = null;
    expect(subscriptions.live - before).toBe(0);
  });
});

describe('in a shadow root (a custom element, a micro-frontend)', () => {
  it('adopts the stylesheet on the shadow root, removed with the last component, and returns focus inside it', async () => {
    clearPage();
    const { clock, options: world } = createTestWorld();
    const host = document.createElement('my-widget');
    document.body.append(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const element = document.createElement('div');
    const help = document.createElement('button');
    shadow.append(element, help);
    const count = ref(2);
    let api!: UseIntercom;
    const app = createApp(
      defineComponent({
        setup() {
          api = useIntercom();
          return () => Array.from({ length: count.value }, () => h(ConfabMessenger));
        },
      }),
    );
    app.use(createConfab({ app_id: 'acme', user_id: 'u1', ...world }));
    app.mount(element);
    const settle = async () => {
      await clock.settle();
      await nextTick();
    };
    await settle();
    expect(shadow.adoptedStyleSheets).toHaveLength(1);
    expect(document.adoptedStyleSheets).toHaveLength(0);
    const launcher = shadow.querySelector<HTMLElement>('[data-part="launcher"]')!;
    expect(getComputedStyle(launcher).position).toBe('fixed');
    count.value = 1;
    await nextTick();
    expect(shadow.adoptedStyleSheets, 'kept while a component uses it').toHaveLength(1);

    help.focus();
    api.show();
    await settle();
    expect(shadow.activeElement?.getAttribute('data-part')).toBe('closeButton');
    shadow.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await settle();
    expect(shadow.activeElement, 'back where it came from').toBe(help);

    count.value = 0;
    await nextTick();
    expect(shadow.adoptedStyleSheets, 'removed with the last one').toHaveLength(0);
    app.unmount();
  });
});
