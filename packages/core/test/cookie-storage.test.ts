import { describe, expect, it } from 'vitest';
import { createCookieStorage, type WebStorage } from '../src/browser';

/**
 * The cookie strings themselves, as a browser receives them. happy-dom's page is not https, so
 * this uses a document that records what is written and reads back like a cookie jar.
 */
function recordingDocument(protocol: 'https:' | 'http:') {
  const written: string[] = [];
  const jar = new Map<string, string>();
  const document = {
    location: { protocol },
    get cookie() {
      return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    },
    set cookie(line: string) {
      written.push(line);
      const [pair, ...attributes] = line.split('; ');
      const [name, value] = pair!.split('=') as [string, string];
      const expires = attributes.find((a) => a.startsWith('Expires='));
      if (expires && Date.parse(expires.slice(8)) <= Date.now()) jar.delete(name);
      else jar.set(name, value);
    },
  };
  return { document, written };
}

describe('cookie storage', () => {
  it("writes Intercom's cookies with Path=/, SameSite=Lax, Secure on https and the given expiry", () => {
    const { document, written } = recordingDocument('https:');
    const storage = createCookieStorage({ document });
    const weekFromNow = Date.now() + 7 * 24 * 3600 * 1000;
    storage.set('intercom-session-acme', 'token-1', { expiresAt: weekFromNow });
    expect(written[0]).toBe(
      `intercom-session-acme=token-1; Path=/; Expires=${new Date(weekFromNow).toUTCString()}; Secure; SameSite=Lax`,
    );
    expect(storage.get('intercom-session-acme')).toBe('token-1');
    storage.set('intercom-id-acme', 'visitor-1');
    const expires = Date.parse(/Expires=([^;]+)/.exec(written[1]!)![1]!);
    expect(expires - Date.now()).toBeGreaterThan(269 * 24 * 3600 * 1000);
    storage.remove('intercom-session-acme');
    expect(storage.get('intercom-session-acme')).toBeUndefined();
    expect(storage.keys()).toEqual(['intercom-id-acme']);
  });

  it('is not Secure on http, and keeps the event queue in memory when localStorage is unusable', () => {
    const { document, written } = recordingDocument('http:');
    const broken = {
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    } as unknown as WebStorage;
    const storage = createCookieStorage({ document, localStorage: broken });
    storage.set('intercom-device-id-acme', 'd');
    expect(written[0]).not.toContain('Secure');
    storage.set('confab-events-acme', '[1]');
    expect(storage.get('confab-events-acme')).toBe('[1]');
    expect(storage.keys().sort()).toEqual(['confab-events-acme', 'intercom-device-id-acme']);
  });

  it('in a sandboxed frame (document.cookie throws SecurityError) keeps the ids in memory and never throws', () => {
    const denied = () => {
      throw new DOMException('The document is sandboxed and lacks the allow-same-origin flag.', 'SecurityError');
    };
    const document = {
      location: { protocol: 'https:' },
      get cookie(): string {
        return denied();
      },
      set cookie(_line: string) {
        denied();
      },
    };
    const storage = createCookieStorage({ document });
    storage.set('intercom-session-acme', 'token-1', { expiresAt: Date.now() + 60_000 });
    storage.set('intercom-id-acme', 'visitor-1');
    expect(storage.get('intercom-session-acme')).toBe('token-1');
    expect(storage.keys().sort()).toEqual(['intercom-id-acme', 'intercom-session-acme']);
    storage.remove('intercom-session-acme');
    expect(storage.get('intercom-session-acme')).toBeUndefined();
    storage.set('intercom-device-id-acme', 'gone', { expiresAt: Date.now() - 1 });
    expect(storage.get('intercom-device-id-acme')).toBeUndefined();
  });

  it("clears Intercom's old cookies on the parent domains, and still writes its own on an odd host (an underscore, a trailing dot)", () => {
    for (const hostname of ['app.shop.example', 'my_app.corp.example', 'shop.example.']) {
      const { document, written } = recordingDocument('https:');
      const storage = createCookieStorage({
        document: Object.assign(document, { location: { protocol: 'https:', hostname } }),
      });
      storage.set('intercom-id-acme', 'visitor-1');
      expect(storage.get('intercom-id-acme'), hostname).toBe('visitor-1');
      expect(written.at(-1), hostname).toMatch(
        /^intercom-id-acme=visitor-1; Path=\/; Expires=[^;]+; Secure; SameSite=Lax$/,
      );
    }
    const { document, written } = recordingDocument('https:');
    createCookieStorage({
      document: Object.assign(document, { location: { protocol: 'https:', hostname: 'app.shop.example' } }),
    }).set('intercom-id-acme', 'v');
    expect(written.slice(0, -1).map((line) => /Domain=([^;]+)/.exec(line)?.[1])).toEqual([
      'app.shop.example',
      'shop.example',
    ]);
  });

  it('reads the first cookie of a name (the older one), decodes values, keeps one that does not decode, and ignores junk', () => {
    const document = {
      location: { protocol: 'https:' },
      cookie:
        ' junk; =nameless; intercom-id-acme=first%20one; intercom-id-acme=second; intercom-session-acme=%E0%A4%A; intercom-device-id-acme=a=b',
    };
    const storage = createCookieStorage({ document });
    expect(storage.get('intercom-id-acme')).toBe('first one');
    expect(storage.get('intercom-session-acme'), 'not valid percent-encoding').toBe('%E0%A4%A');
    expect(storage.get('intercom-device-id-acme')).toBe('a=b');
    expect(storage.keys().sort()).toEqual(['intercom-device-id-acme', 'intercom-id-acme', 'intercom-session-acme']);
  });

  it('a value (or a name) cannot end the pair or add an attribute: both are URL-encoded', () => {
    const { document, written } = recordingDocument('https:');
    const storage = createCookieStorage({ document });
    storage.set('intercom-id-acme', 'v; Domain=evil.example; Path=/x');
    expect(written[0]).toMatch(
      /^intercom-id-acme=v%3B%20Domain%3Devil\.example%3B%20Path%3D%2Fx; Path=\/; Expires=[^;]+; Secure; SameSite=Lax$/,
    );
    expect(storage.get('intercom-id-acme')).toBe('v; Domain=evil.example; Path=/x');
    storage.set('intercom-id-a;Domain=evil', 'v');
    expect(written[1]).toMatch(/^intercom-id-a%3BDomain%3Devil=v; Path=\/;/);
  });
});
