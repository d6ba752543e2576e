// The two cookie strings the messenger needs, written here rather than with the `cookie` package
// (0.7 KB gzip of the size-budgeted script, for a general parser and every Set-Cookie attribute):
// its names are Intercom's three, its values ids and tokens, its attributes always the same few.

export interface CookieToSet {
  name: string;
  value: string;
  expires: Date;
  domain?: string;
  secure: boolean;
}

/**
 * What `document.cookie = …` takes: name and value URL-encoded, so neither can end the pair or
 * add an attribute (Intercom's names, letters, digits, `-` and `_`, stay as they are); Path=/ and
 * SameSite=Lax always.
 */
export function cookieToSet({ name, value, expires, domain, secure }: CookieToSet): string {
  return `${encodeURIComponent(name)}=${encodeURIComponent(value)}${domain ? `; Domain=${domain}` : ''}; Path=/; Expires=${expires.toUTCString()}${secure ? '; Secure' : ''}; SameSite=Lax`;
}

/**
 * `document.cookie` read as name → value. The first of two cookies with one name wins (the
 * browser lists the older, or the more specific path, first); a value that does not decode stays as it is.
 */
export function parseCookies(header: string): Record<string, string> {
  // Read only by Intercom's names: one like `constructor` or `__proto__` is skipped, never a risk.
  const cookies: Record<string, string> = {};
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals).trim();
    if (equals < 0 || !name || name in cookies) continue;
    const value = pair.slice(equals + 1);
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      cookies[name] = value;
    }
  }
  return cookies;
}
