import { clearPage } from '@confab/adapter-suite/page';
import { createMemoryServer, createSimulatedClock } from '@confab/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { createApp, createSSRApp, defineComponent, h, nextTick } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { ConfabMessenger, createConfab, useIntercom } from '../src';

const App = defineComponent({
  setup() {
    const { isBooted } = useIntercom();
    return () =>
      h('main', [
        h('h1', 'Acme shop'),
        h('p', { class: 'status' }, isBooted.value ? 'chat ready' : 'chat loading'),
        h(ConfabMessenger),
      ]);
  },
});

describe('hydration', () => {
  it('the server HTML hydrates without a mismatch, and the messenger appears after hydration', async () => {
    clearPage();
    // The server's render: no window and no document, as in Node (ssr.test.ts renders there itself).
    vi.stubGlobal('window', undefined);
    vi.stubGlobal('document', undefined);
    let html: string;
    try {
      html = await renderToString(createSSRApp(App).use(createConfab({ app_id: 'acme', user_id: 'u1' })));
    } finally {
      vi.unstubAllGlobals();
    }
    expect(html).not.toContain('data-part');

    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const heading = container.querySelector('h1');
    const clock = createSimulatedClock(Date.now());
    const server = createMemoryServer({ clock });
    const warnings: string[] = [];
    const app = createSSRApp(App).use(
      createConfab({
        app_id: 'acme',
        user_id: 'u1',
        transport: server.transport,
        clock,
        logger: { warn: (m) => warnings.push(m) },
      }),
    );
    app.config.warnHandler = (message) => warnings.push(message);
    const mismatch = vi.spyOn(console, 'error').mockImplementation(() => {});
    app.mount(container);
    await clock.settle();
    await nextTick();
    expect(mismatch).not.toHaveBeenCalled();
    mismatch.mockRestore();
    expect(warnings).toEqual([]);
    expect(container.querySelector('h1'), 'the server-rendered elements were adopted, not replaced').toBe(heading);
    expect(container.querySelector('.status')!.textContent).toBe('chat ready');
    const launcher = container.querySelector<HTMLElement>('[data-scope="confab"][data-part="launcher"]');
    expect(launcher?.hidden).toBe(false);
    expect(server.people()).toHaveLength(1);
    app.unmount();
  });
});

describe('hydration of the state refs', () => {
  it('every ref renders the server value while hydrating (a returning visitor), then follows the messenger', async () => {
    const Refs = defineComponent({
      setup() {
        const { isBooted, isOpen, view, unreadCount, visitorId, isThrottled } = useIntercom();
        const text = () =>
          JSON.stringify([
            isBooted.value,
            isOpen.value,
            view.value,
            unreadCount.value,
            visitorId.value ?? null,
            isThrottled.value,
          ]);
        return () => h('main', [h('p', { class: 'refs' }, text()), h(ConfabMessenger)]);
      },
    });
    clearPage();
    const clock = createSimulatedClock(Date.now());
    const server = createMemoryServer({ clock });
    // A lead's first visit: the visitor id is in the page's cookie when the next page hydrates.
    const first = createApp(Refs).use(
      createConfab({ app_id: 'acme', transport: server.transport, clock, logger: { warn() {} } }),
    );
    first.mount(document.createElement('div'));
    await clock.settle();
    first.unmount();
    expect(document.cookie).toContain('acme');

    vi.stubGlobal('window', undefined);
    vi.stubGlobal('document', undefined);
    let html: string;
    try {
      html = await renderToString(createSSRApp(Refs).use(createConfab({ app_id: 'acme' })));
    } finally {
      vi.unstubAllGlobals();
    }
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const warnings: string[] = [];
    const app = createSSRApp(Refs).use(
      createConfab({ app_id: 'acme', transport: server.transport, clock, logger: { warn: (m) => warnings.push(m) } }),
    );
    app.config.warnHandler = (message) => warnings.push(message);
    const mismatch = vi.spyOn(console, 'error').mockImplementation(() => {});
    app.mount(container);
    await nextTick();
    expect(mismatch).not.toHaveBeenCalled();
    mismatch.mockRestore();
    expect(warnings).toEqual([]);
    await clock.settle();
    await nextTick();
    const [isBooted, , , , visitorId] = JSON.parse(container.querySelector('.refs')!.textContent!);
    expect([isBooted, visitorId]).toEqual([true, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    app.unmount();
  });
});
