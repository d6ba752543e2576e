import { createMemoryStorage } from '../platform/memory-storage';
import type { Storage } from '../platform/storage';
import { cookieToSet, parseCookies } from './cookie-format';

/** Intercom keeps its visitor and device ids about nine months; so do we. */
const LONG_LIVED_MS = 270 * 24 * 60 * 60 * 1000;

/** The keys that are cookies, by Intercom's names; everything else (the event queue) is too big for one. */
const COOKIE_KEY = /^intercom-(id|session|device-id)-/;

/** What cookie storage needs of a page's `document` (injected: core never reaches for globals). */
export interface CookieDocument {
  cookie: string;
  readonly location?: { readonly protocol: string; readonly hostname?: string } | null;
}

/** The Web Storage calls used here (`window.localStorage`). */
export interface WebStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface CookieStorageOptions {
  document: CookieDocument;
  /** Where the event queue lives; absent (or throwing: private modes, sandboxed frames) means memory. */
  localStorage?: WebStorage | undefined;
  now?: () => number;
}

/**
 * Core's Storage on a page: Intercom's cookies (`intercom-id-<app>`, `intercom-session-<app>`,
 * `intercom-device-id-<app>`) on the page's host, SameSite=Lax, Secure on https, so a site's
 * existing cookie policy stays true; the rest in localStorage, where a large queue fits.
 */
export function createCookieStorage(options: CookieStorageOptions): Storage {
  const { document } = options;
  const now = options.now ?? Date.now;
  const secure = document.location?.protocol === 'https:';
  const local = usableLocalStorage(options.localStorage);
  const memory = createMemoryStorage({ now });
  // A sandboxed frame (no allow-same-origin) throws SecurityError on any touch of document.cookie:
  // there the ids live in memory for the page's life, like the queue without localStorage.
  const cookiesWork = safely(() => typeof document.cookie === 'string') === true;
  const inCookie = (key: string) => cookiesWork && COOKIE_KEY.test(key);

  const cookies = () => safely(() => parseCookies(document.cookie)) ?? {};

  // Intercom's own script set these names as domain cookies of the site's top domain
  // (Domain=example.com). A site moving to Confab keeps them: the browser lists the older first,
  // so they would shadow our host-only ones, and a shutdown could not replace the visitor id.
  // Each write clears the name as a domain cookie of this host and of its parents (a public
  // suffix such as co.uk is refused by the browser: harmless).
  const hostname = document.location?.hostname ?? '';
  const labels = hostname.split('.');
  const domains =
    /^[\d.]+$|^\[/.test(hostname) || labels.length < 2
      ? []
      : labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));

  function writeCookie(name: string, value: string, expires: Date) {
    // Each on its own: a domain the browser refuses (a public suffix, an odd host) must not stop
    // the host-only write that matters.
    for (const domain of domains) {
      safely(() => {
        document.cookie = cookieToSet({ name, value: '', expires: new Date(0), domain, secure });
      });
    }
    safely(() => {
      document.cookie = cookieToSet({ name, value, expires, secure });
    });
  }

  return {
    get(key) {
      if (inCookie(key)) return cookies()[key] || undefined;
      if (!local || COOKIE_KEY.test(key)) return memory.get(key);
      const raw = safely(() => local.getItem(key));
      if (raw === null || raw === undefined) return undefined;
      return readExpiring(raw, now(), () => safely(() => local.removeItem(key)));
    },
    set(key, value, setOptions) {
      const expiresAt = setOptions?.expiresAt;
      if (inCookie(key)) {
        writeCookie(key, value, new Date(expiresAt ?? now() + LONG_LIVED_MS));
        return;
      }
      if (!local || COOKIE_KEY.test(key)) {
        memory.set(key, value, setOptions);
        return;
      }
      const stored = expiresAt === undefined ? value : JSON.stringify({ [EXPIRING]: expiresAt, value });
      safely(() => local.setItem(key, stored));
    },
    remove(key) {
      if (inCookie(key)) writeCookie(key, '', new Date(0));
      else if (!local || COOKIE_KEY.test(key)) memory.remove(key);
      else safely(() => local.removeItem(key));
    },
    keys() {
      const cookieKeys = Object.keys(cookies()).filter((key) => COOKIE_KEY.test(key));
      const localKeys = local
        ? (safely(() => Array.from({ length: local.length }, (_, i) => local.key(i))) ?? []).filter(
            (key): key is string => typeof key === 'string' && key.startsWith('confab-'),
          )
        : [];
      return [...cookieKeys, ...localKeys, ...memory.keys()];
    },
  };
}

const EXPIRING = '__confabExpiresAt';

function readExpiring(raw: string, now: number, remove: () => void): string | undefined {
  if (!raw.startsWith(`{"${EXPIRING}"`)) return raw;
  try {
    const entry = JSON.parse(raw) as { [EXPIRING]: number; value: string };
    if (entry[EXPIRING] <= now) {
      remove();
      return undefined;
    }
    return entry.value;
  } catch {
    return raw;
  }
}

function safely<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch {
    // Quota exceeded, storage or cookies disabled: the messenger goes on without persisting this.
    return undefined;
  }
}

function usableLocalStorage(candidate: WebStorage | undefined): WebStorage | undefined {
  if (!candidate) return undefined;
  try {
    const probe = '__confab_probe__';
    candidate.setItem(probe, '1');
    candidate.removeItem(probe);
    return candidate;
  } catch {
    return undefined;
  }
}
