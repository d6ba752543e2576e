import { type AdapterHarness, clearPage, runAdapterSuite } from '@confab/adapter-suite';
import type { IntercomApi } from '@confab/core';
import { createApp, defineComponent, h, nextTick } from 'vue';
import {
  ConfabMessenger,
  createConfab,
  type MessageSlotProps,
  type UseIntercom,
  useIntercom,
  useMessengerView,
} from '../src';

/** What the suite's `customized` mount draws, through Vue's slots. */
const customSlots = {
  launcher: ({ open, unreadCount }: { open: boolean; unreadCount: number }) =>
    h('b', { class: 'my-launcher' }, `${open ? 'Close' : 'Chat'} (${unreadCount})`),
  message: ({ author, segments, time, seen }: MessageSlotProps) =>
    h(
      'p',
      { class: 'my-message', 'data-time': time, 'data-seen': String(seen) },
      `${author}: ${segments.map((s) => (s.kind === 'link' ? `[${s.text}]` : s.text)).join('')}`,
    ),
};

/**
 * The Vue adapter as an app uses it: the plugin, `useIntercom()` in a component, and
 * `<ConfabMessenger>` rendered into the page by Vue (happy-dom), with the page's cookies.
 */
const vueHarness: AdapterHarness = {
  name: 'vue',
  customizable: true,
  mount({ boot, transport, clock, logger, random, customized, alongside }) {
    if (!alongside) clearPage();
    let api: UseIntercom | undefined;
    let view: ReturnType<typeof useMessengerView> | undefined;
    const App = defineComponent({
      setup() {
        api = useIntercom();
        view = useMessengerView();
        return () => h('main', [h('h1', 'Acme'), h(ConfabMessenger, null, customized ? customSlots : {})]);
      },
    });
    const element = document.createElement('div');
    document.body.append(element);
    const app = createApp(App);
    app.use(createConfab({ ...(boot ?? {}), autoBoot: boot !== undefined, transport, clock, logger, random }));
    app.mount(element);
    const intercom = api!;
    const commands = intercom as unknown as Record<string, (...args: unknown[]) => unknown>;
    return {
      // The suite speaks `Intercom(command, ...args)`; here every call goes through useIntercom()'s functions.
      Intercom: ((command: string, ...args: unknown[]) => commands[command]!(...args)) as IntercomApi,
      view: () => view!.value!,
      container: () => element,
      activeElement: () => document.activeElement,
      flush: () => nextTick(),
      customProperty: (name) =>
        element.querySelector<HTMLElement>('[data-part="root"]')?.style.getPropertyValue(name) || undefined,
      state: () => ({
        isBooted: intercom.isBooted.value,
        isOpen: intercom.isOpen.value,
        view: intercom.view.value,
        unreadCount: intercom.unreadCount.value,
        visitorId: intercom.visitorId.value,
        isThrottled: intercom.isThrottled.value,
      }),
      unmount() {
        app.unmount();
        element.remove();
      },
    };
  },
};

runAdapterSuite(vueHarness);
