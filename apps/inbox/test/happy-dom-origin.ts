// A browser sends `Origin` on every request whose method is not GET or HEAD (the Fetch standard's
// "append a request Origin header"); happy-dom sends it on cross-origin requests only. The server
// refuses a cookie-signed write without it (its CSRF check), so the tests add it as Chromium does.
// happy-dom ships no declarations for its internals: the import is typed by the interface below.
import FetchRequestHeaderUtility from 'happy-dom/lib/fetch/utilities/FetchRequestHeaderUtility.js';

interface HeaderOptions {
  window: { location: { href: string } };
  request: { method: string };
}

const getRequestHeaders = FetchRequestHeaderUtility.getRequestHeaders as (
  options: HeaderOptions,
) => Record<string, string>;

FetchRequestHeaderUtility.getRequestHeaders = (options: HeaderOptions) => {
  const headers = getRequestHeaders.call(FetchRequestHeaderUtility, options);
  const method = options.request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && !Object.keys(headers).some((name) => name.toLowerCase() === 'origin'))
    headers.Origin = new URL(options.window.location.href).origin;
  return headers;
};
