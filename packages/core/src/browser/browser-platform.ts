import { createHttpTransport } from '../delivery/http-transport';
import type { Transport } from '../delivery/transport';
import type { Logger } from '../platform/logger';
import type { Storage } from '../platform/storage';
import type { Page } from '../protocol/wire';
import { type CookieDocument, createCookieStorage, type WebStorage } from './cookie-storage';

/**
 * What a browser adapter takes from its page, handed in (floating-ui's injected platform): core
 * reads no global `window`, so it still imports in Node, Deno, Bun or a worker.
 */
export interface BrowserWindow {
  readonly document: CookieDocument & { readonly title: string };
  readonly location: { readonly href: string; readonly origin: string };
  fetch(input: string, init?: RequestInit): Promise<Response>;
  readonly navigator?: { sendBeacon?(url: string, data?: Blob): boolean } | undefined;
  /** Read inside a try: a sandboxed frame throws on the mere access. */
  readonly localStorage?: WebStorage | undefined;
}

export interface BrowserPlatform {
  transport: Transport;
  storage: Storage;
  page: () => Page;
}

/**
 * The platform every browser adapter (dom, vue, svelte) gives the messenger: the HTTP transport
 * on the page's fetch (with sendBeacon for the last events of a page), Intercom's cookies with the
 * event queue in localStorage, and the page the visitor is on. A transport or storage passed in
 * (tests, runtimes with their own) is used as it is, and the page's is not made at all.
 */
export function createBrowserPlatform(options: {
  window: BrowserWindow;
  apiBase: string | (() => string);
  logger: Logger;
  transport?: Transport | undefined;
  storage?: Storage | undefined;
}): BrowserPlatform {
  const { window: win, apiBase, logger } = options;
  return {
    transport: options.transport ?? pageTransport(win, apiBase, logger),
    storage: options.storage ?? createCookieStorage({ document: win.document, localStorage: localStorageOf(win) }),
    page: () => ({ url: win.location.href, title: win.document.title }),
  };
}

function pageTransport(win: BrowserWindow, apiBase: string | (() => string), logger: Logger): Transport {
  const sendBeacon = win.navigator?.sendBeacon;
  return createHttpTransport({
    apiBase,
    fetch: win.fetch.bind(win) as typeof fetch,
    logger,
    ...(typeof sendBeacon === 'function'
      ? {
          beacon: (url: string, body: string) =>
            sendBeacon.call(win.navigator, url, new Blob([body], { type: 'text/plain' })),
        }
      : {}),
  });
}

function localStorageOf(win: BrowserWindow): WebStorage | undefined {
  try {
    return win.localStorage;
  } catch {
    return undefined;
  }
}
