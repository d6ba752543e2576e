import type { Clock, IntercomApi, Logger, Messenger, Storage, Transport } from '@confab/core';
import { startBrowserMessenger } from '@confab/core/browser';
import { type MountedMessenger, mountMessenger } from './renderer';
import { readSnippetQueue } from './snippet-queue';

type SiteWindow = Window & typeof globalThis & { Intercom?: unknown; intercomSettings?: unknown };

export interface InstallOptions {
  window: Window & typeof globalThis;
  /** The URL this script was loaded from (`document.currentScript.src`): its origin is the default server. */
  scriptUrl?: string | undefined;
  /** Injected for tests and for runtimes with their own; the HTTP transport and cookies otherwise. */
  transport?: Transport;
  storage?: Storage;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
}

/** `window.Intercom` as Confab installs it: the Intercom API plus what Intercom's own offers. */
export type InstalledIntercom = IntercomApi & { readonly booted: boolean; readonly confab: ConfabPage };

export interface ConfabPage {
  messenger: Messenger;
  Intercom: InstalledIntercom;
  /** The rendered messenger, once the page has a body. */
  mounted(): MountedMessenger | null;
  /** Removes the UI and every listener, stops the messenger, restores nothing (as Intercom). */
  destroy(): void;
}

/**
 * Installs Confab as the page's `window.Intercom`, the way Intercom's own script does: calls the
 * loader snippet queued before the script arrived run in order, `window.intercomSettings` with an
 * app_id boots at once, and `update` without arguments re-reads `window.intercomSettings`.
 */
export function installIntercom(options: InstallOptions): ConfabPage {
  const win = options.window as SiteWindow;
  const existing = win.Intercom;
  // Loaded twice (a page with two snippets): the first install stays, as Intercom's does.
  const installed = typeof existing === 'function' ? (existing as { confab?: ConfabPage }).confab : undefined;
  if (installed) return installed;

  const settings = () => (isRecord(win.intercomSettings) ? win.intercomSettings : undefined);
  const scriptOrigin = originOf(options.scriptUrl);
  const appId = settings()?.app_id;
  // The browser platform, page-hide beacons and custom_launcher_selector, as every browser
  // adapter runs them; the boot is ours (below), after `window.Intercom` is in place. The order for
  // the server: the one a boot named, then intercomSettings (confab_api_base, then api_base; read
  // at each request), then the script's origin; core passes over any naming Intercom's own host.
  const running = startBrowserMessenger(
    win,
    {
      autoBoot: false,
      app_id: typeof appId === 'string' ? appId : undefined,
      transport: options.transport,
      storage: options.storage,
      clock: options.clock,
      logger: options.logger,
      random: options.random,
    },
    () => [settings()?.confab_api_base, settings()?.api_base, scriptOrigin],
  );
  const { messenger } = running;
  const queued = readSnippetQueue(existing, (message) => messenger.effects.logger.warn(message));

  const page: ConfabPage = {
    messenger,
    Intercom: undefined as unknown as InstalledIntercom,
    mounted: () => mounted,
    destroy,
  };

  function Intercom(command: unknown, ...args: unknown[]): unknown {
    // The standard snippet sends this when the script is already there; our launcher needs no reattaching.
    if (command === 'reattach_activator') return undefined;
    if ((command === 'update' || command === 'boot') && args.length === 0 && settings()) args = [settings()];
    return (messenger.Intercom as (command: unknown, ...args: unknown[]) => unknown)(command, ...args);
  }
  Object.defineProperties(Intercom, {
    booted: { get: () => messenger.getView().booted, enumerable: true },
    confab: { value: page },
  });
  page.Intercom = Intercom as unknown as InstalledIntercom;
  win.Intercom = Intercom;

  let mounted: MountedMessenger | null = null;
  const mount = () => {
    if (!mounted && win.document.body) mounted = mountMessenger(messenger, win.document.body);
  };
  if (win.document.body) mount();
  else win.document.addEventListener('DOMContentLoaded', mount, { once: true });

  if (settings()?.app_id !== undefined) Intercom('boot', settings());
  for (const [command, ...args] of queued) Intercom(command, ...args);

  function destroy() {
    win.document.removeEventListener('DOMContentLoaded', mount);
    mounted?.destroy();
    mounted = null;
    running.stop();
    if (win.Intercom === Intercom) delete win.Intercom;
  }

  return page;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
