import { createApiBaseResolver } from '../commands/api-base';
import type { IntercomSettings } from '../commands/settings';
import type { Transport } from '../delivery/transport';
import { createMessenger, type Messenger } from '../messenger';
import type { Clock } from '../platform/clock';
import { consoleLogger, type Logger } from '../platform/logger';
import type { Storage } from '../platform/storage';
import { type BrowserWindow, createBrowserPlatform } from './browser-platform';
import { type ClickSource, watchCustomLauncher } from './custom-launcher';

/** What a framework adapter is given by an app: Intercom's settings, plus how it boots and runs. */
export interface AdapterOptions extends IntercomSettings {
  /** Boot at once with these settings (react-use-intercom's `autoBoot`). Default: when `app_id` is given. */
  autoBoot?: boolean;
  /** Injected for tests and for runtimes with their own; the page's fetch and cookies otherwise. */
  transport?: Transport;
  storage?: Storage;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
}

/** The page events the messenger listens to; a window and its document both have them. */
interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export type PageWindow = BrowserWindow &
  EventTargetLike & {
    readonly document: BrowserWindow['document'] & EventTargetLike & ClickSource & { readonly visibilityState: string };
  };

export interface BrowserMessenger {
  messenger: Messenger;
  /** Stops the messenger (realtime stream, timers) and removes the page listeners. */
  stop(): void;
}

/**
 * The messenger as every browser adapter (dom, vue, svelte) runs it on a page: the browser platform, the
 * order for the server (the one the last boot named, then the app's options, then the adapter's
 * fallbacks, then the page's origin; in each, `confab_api_base` before `api_base`, and a value
 * naming Intercom's own host passed over with one warning), the last events sent by beacon when
 * the page is hidden, `custom_launcher_selector`, and the boot when asked for.
 */
export function startBrowserMessenger(
  win: PageWindow,
  options: AdapterOptions,
  /** Where the server may be when neither a boot nor these options name one, in order, before the page's origin (the DOM adapter: intercomSettings, then its script's origin). */
  fallbackApiBases: () => readonly unknown[] = () => [],
): BrowserMessenger {
  // Everything but how it runs is Intercom's settings.
  const { autoBoot, transport, storage, clock, logger: given, random, ...settings } = options;
  const logger = given ?? consoleLogger;
  let messenger: Messenger | undefined;
  const apiBase = createApiBaseResolver(
    () => [
      messenger?.getSnapshot().context.settings?.api_base,
      settings.confab_api_base,
      settings.api_base,
      ...fallbackApiBases(),
    ],
    () => win.location.origin,
    logger,
  );
  const platform = createBrowserPlatform({ window: win, apiBase, logger, transport, storage });
  const started = createMessenger({
    transport: platform.transport,
    storage: platform.storage,
    logger,
    page: platform.page,
    ...(settings.app_id !== undefined ? { appId: settings.app_id } : {}),
    ...(clock ? { clock } : {}),
    ...(random ? { random } : {}),
  });
  messenger = started;

  const onPageHide = () => started.pageHidden();
  const onVisibility = () => {
    if (win.document.visibilityState === 'hidden') started.pageHidden();
  };
  win.addEventListener('pagehide', onPageHide);
  win.document.addEventListener('visibilitychange', onVisibility);
  const stopCustomLauncher = watchCustomLauncher(win.document, started, logger);
  if (autoBoot ?? settings.app_id !== undefined) started.commands.boot(settings);

  return {
    messenger: started,
    stop() {
      win.removeEventListener('pagehide', onPageHide);
      win.document.removeEventListener('visibilitychange', onVisibility);
      stopCustomLauncher();
      started.stop();
    },
  };
}
