import { clearPage, runAdapterSuite, type AdapterHarness } from '@confab/adapter-suite';
import type { IntercomApi } from '@confab/core';
import { createApp, defineComponent, h, nextTick } from 'vue';
import { ConfabMessenger, createConfab, useIntercom, useMessengerView, type UseIntercom } from '../src';

/**
 * The Vue adapter as an app uses it: the plugin, `useIntercom()` in a component, and
 * `<ConfabMessenger>` rendered into the page by Vue (happy-dom), with the page's cookies.
 */
const vueHarness: AdapterHarness = {
  name: 'vue',
  mount({ boot, transport, clock, logger, random }) {
    clearPage();
    let api: UseIntercom | undefined;
    let view: ReturnType<typeof useMessengerView> | undefined;
    const App = defineComponent({
      setup() {
        api = useIntercom();
        view = useMessengerView();
        return () => h('main', [h('h1', 'Acme'), h(ConfabMessenger)]);
      },
    });
    const element = document.createElement('div');
    document.body.append(element);
    const app = createApp(App);
    app.use(createConfab({ ...(boot ?? {}), autoBoot: boot !== undefined, transport, clock, logger, random }));
    app.mount(element);
    const commands = api as unknown as Record<string, (...args: unknown[]) => unknown>;
    return {
      // The suite speaks `Intercom(command, ...args)`; here every call goes through useIntercom()'s functions.
      Intercom: ((command: string, ...args: unknown[]) => commands[command]!(...args)) as IntercomApi,
      view: () => view!.value!,
      container: () => element,
      activeElement: () => document.activeElement,
      flush: () => nextTick(),
      customProperty: (name) => element.querySelector<HTMLElement>('[data-part="root"]')?.style.getPropertyValue(name) || undefined,
      unmount() {
        app.unmount();
        element.remove();
      },
    };
  },
};

runAdapterSuite(vueHarness);
