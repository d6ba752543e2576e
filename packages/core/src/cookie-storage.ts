import { parseCookie, stringifySetCookie } from 'cookie';
import type { Storage } from './storage';

/** Intercom keeps its visitor and device ids about nine months; so do we. */
const LONG_LIVED_MS = 270 * 24 * 60 * 60 * 1000;

/** The keys that are cookies, by Intercom's names; everything else (the event queue) is too big for one. */
const COOKIE_KEY = /^intercom-(id|session|device-id)-/;

/** What cookie storage needs of a page's `document` (injected: core never reaches for globals). */
export interface CookieDocument {
  cookie: string;
  readonly location?: { readonly protocol: string } | null;
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
  const memory = new Map<string, { value: string; expiresAt: number | undefined }>();

  const cookies = () => parseCookie(document.cookie);

  function writeCookie(name: string, value: string, expires: Date) {
    document.cookie = stringifySetCookie({ name, value, expires, path: '/', sameSite: 'lax', secure });
  }

  return {
    get(key) {
      if (COOKIE_KEY.test(key)) return cookies()[key] || undefined;
      const raw = local ? safely(() => local.getItem(key)) : memory.get(key)?.value;
      if (raw === null || raw === undefined) return undefined;
      if (!local) {
        const entry = memory.get(key)!;
        if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
          memory.delete(key);
          return undefined;
        }
        return raw;
      }
      return readExpiring(raw, now(), () => safely(() => local.removeItem(key)));
    },
    set(key, value, setOptions) {
      const expiresAt = setOptions?.expiresAt;
      if (COOKIE_KEY.test(key)) {
        writeCookie(key, value, new Date(expiresAt ?? now() + LONG_LIVED_MS));
        return;
      }
      if (!local) {
        memory.set(key, { value, expiresAt });
        return;
      }
      const stored = expiresAt === undefined ? value : JSON.stringify({ [EXPIRING]: expiresAt, value });
      safely(() => local.setItem(key, stored));
    },
    remove(key) {
      if (COOKIE_KEY.test(key)) {
        writeCookie(key, '', new Date(0));
        return;
      }
      if (local) safely(() => local.removeItem(key));
      else memory.delete(key);
    },
    keys() {
      const cookieKeys = Object.keys(cookies()).filter((key) => COOKIE_KEY.test(key));
      const localKeys = local
        ? (safely(() => Array.from({ length: local.length }, (_, i) => local.key(i))) ?? []).filter(
            (key): key is string => key !== null && key.startsWith('confab-'),
          )
        : [...memory.keys()];
      return [...cookieKeys, ...localKeys];
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
    // Quota exceeded or storage disabled: the messenger goes on without persisting this.
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
