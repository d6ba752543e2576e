/** A blank page between tests: no elements, cookies, localStorage or page globals left from the last one. */
export function clearPage() {
  const win = window as { Intercom?: unknown; intercomSettings?: unknown };
  win.Intercom = undefined;
  delete win.intercomSettings;
  document.body.replaceChildren();
  for (const entry of document.cookie.split('; ').filter(Boolean)) {
    // biome-ignore lint/suspicious/noDocumentCookie: clearing every cookie between tests, as a fresh browser has none.
    document.cookie = `${entry.split('=')[0]}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
  localStorage.clear();
}
