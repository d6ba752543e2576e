import { type AdapterHarness, clearPage, runAdapterSuite } from '@confab/adapter-suite';
import type { IntercomApi } from '@confab/core';
import { flushSync, mount, tick, unmount } from 'svelte';
import { get } from 'svelte/store';
import { createIntercom } from '../src';
import App from './App.svelte';

/**
 * The Svelte adapter as an app uses it: `createIntercom()` and `<ConfabMessenger>` in an app's
 * component, mounted by Svelte into the page (happy-dom), with the page's cookies.
 */
const svelteHarness: AdapterHarness = {
  name: 'svelte',
  customizable: true,
  mount({ boot, transport, clock, logger, random, customized, alongside }) {
    if (!alongside) clearPage();
    const intercom = createIntercom({
      ...(boot ?? {}),
      autoBoot: boot !== undefined,
      transport,
      clock,
      logger,
      random,
    });
    const target = document.createElement('div');
    document.body.append(target);
    const component = mount(App, { target, props: { intercom, custom: customized ?? false } });
    flushSync();
    const commands = intercom as unknown as Record<string, (...args: unknown[]) => unknown>;
    return {
      // The suite speaks `Intercom(command, ...args)`; here every call goes through createIntercom()'s functions.
      Intercom: ((command: string, ...args: unknown[]) => commands[command]!(...args)) as IntercomApi,
      view: () => get(intercom.messengerView)!,
      container: () => target,
      activeElement: () => document.activeElement,
      flush: async () => {
        await tick();
        flushSync();
      },
      customProperty: (name) =>
        target.querySelector<HTMLElement>('[data-part="root"]')?.style.getPropertyValue(name) || undefined,
      state: () => ({
        isBooted: get(intercom.isBooted),
        isOpen: get(intercom.isOpen),
        view: get(intercom.view),
        unreadCount: get(intercom.unreadCount),
        visitorId: get(intercom.visitorId),
        isThrottled: get(intercom.isThrottled),
      }),
      unmount() {
        unmount(component);
        intercom.destroy();
        target.remove();
      },
    };
  },
};

runAdapterSuite(svelteHarness);
