import { consoleLogger, startBrowserMessenger, type AdapterOptions, type Logger, type Messenger, type PageWindow } from '@confab/core';
import type { App, InjectionKey, Plugin } from 'vue';

/** Intercom's settings, plus `autoBoot` and, for tests, the injected transport, storage and clock. */
export type ConfabOptions = AdapterOptions;

/**
 * What the plugin provides: the messenger on a page; null during a server render, where nothing
 * may touch the network or the document, and the messenger only exists once the page hydrates.
 */
export interface ConfabContext {
  messenger: Messenger | null;
  logger: Logger;
}

export const confabKey: InjectionKey<ConfabContext> = Symbol('confab');

/** `app.use(createConfab({ app_id, api_base, autoBoot, ...settings }))`. */
export function createConfab(options: ConfabOptions = {}): Plugin {
  return {
    install(app: App) {
      const logger = options.logger ?? consoleLogger;
      // The page's window, read here: core never reaches for globals. None on a server.
      const win = typeof window !== 'undefined' && typeof document !== 'undefined' ? (window as unknown as PageWindow) : undefined;
      if (!win) {
        app.provide(confabKey, { messenger: null, logger });
        return;
      }
      const running = startBrowserMessenger(win, options);
      app.provide(confabKey, { messenger: running.messenger, logger });
      // Unmounting the app stops the actor: the realtime stream closes and every timer ends.
      app.onUnmount(() => running.stop());
    },
  };
}
