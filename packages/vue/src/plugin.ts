import {
  consoleLogger,
  createBrowserPlatform,
  createMessenger,
  type BrowserWindow,
  type Clock,
  type IntercomSettings,
  type Logger,
  type Messenger,
  type Storage,
  type Transport,
} from '@confab/core';
import type { App, InjectionKey, Plugin } from 'vue';

export interface ConfabOptions extends IntercomSettings {
  /** Boot as the app is installed, with these settings (react-use-intercom's `autoBoot`). Default true when `app_id` is given. */
  autoBoot?: boolean;
  /** Injected for tests and for runtimes with their own; the page's fetch and cookies otherwise. */
  transport?: Transport;
  storage?: Storage;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
}

/**
 * What the plugin provides: the messenger on a page; null during a server render, where nothing
 * may touch the network or the document, and the messenger only exists once the page hydrates.
 */
export interface ConfabContext {
  messenger: Messenger | null;
  logger: Logger;
}

export const confabKey: InjectionKey<ConfabContext> = Symbol('confab');

// Keys of ConfabOptions that are not Intercom settings.
const PLUGIN_KEYS = new Set(['autoBoot', 'transport', 'storage', 'clock', 'logger', 'random']);

/** `app.use(createConfab({ app_id, api_base, autoBoot, ...settings }))`. */
export function createConfab(options: ConfabOptions = {}): Plugin {
  return {
    install(app: App) {
      const logger = options.logger ?? consoleLogger;
      const win = browserWindow();
      if (!win) {
        app.provide(confabKey, { messenger: null, logger });
        return;
      }
      const settings = Object.fromEntries(Object.entries(options).filter(([key]) => !PLUGIN_KEYS.has(key))) as IntercomSettings;
      let messenger: Messenger | null = null;
      // Intercom's order for the server: the one a boot named, then this plugin's api_base, then the page's origin.
      const apiBase = () => messenger?.getSnapshot().context.settings?.api_base ?? settings.api_base ?? win.location.origin;
      const platform = options.transport && options.storage ? null : createBrowserPlatform({ window: win, apiBase, logger });
      messenger = createMessenger({
        transport: options.transport ?? platform!.transport,
        storage: options.storage ?? platform!.storage,
        logger,
        ...(settings.app_id !== undefined ? { appId: settings.app_id } : {}),
        ...(platform ? { page: platform.page } : { page: () => ({ url: win.location.href, title: win.document.title }) }),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.random ? { random: options.random } : {}),
      });
      const current = messenger;
      app.provide(confabKey, { messenger: current, logger });

      // The last events of a page go out by beacon when it is hidden, as the DOM adapter does.
      const onPageHide = () => current.pageHidden();
      const onVisibility = () => {
        if (win.document.visibilityState === 'hidden') current.pageHidden();
      };
      win.addEventListener('pagehide', onPageHide);
      win.document.addEventListener('visibilitychange', onVisibility);
      app.onUnmount(() => {
        win.removeEventListener('pagehide', onPageHide);
        win.document.removeEventListener('visibilitychange', onVisibility);
        // Stops the actor: the realtime stream closes and every timer ends.
        current.stop();
      });

      if (options.autoBoot ?? settings.app_id !== undefined) current.commands.boot(settings);
    },
  };
}

type PageWindow = BrowserWindow &
  Pick<Window, 'addEventListener' | 'removeEventListener'> & { document: BrowserWindow['document'] & Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'> };

/** The page's window; undefined on a server, in a worker, or anywhere without a document. */
function browserWindow(): PageWindow | undefined {
  return typeof window !== 'undefined' && typeof document !== 'undefined' ? (window as unknown as PageWindow) : undefined;
}
