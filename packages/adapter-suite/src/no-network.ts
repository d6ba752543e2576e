import { afterEach, beforeEach } from 'vitest';

/**
 * For server-render tests: `fetch` records instead of reaching anything, so a test can say the
 * render made no request. Returns the list of URLs asked for in the current test.
 */
export function recordFetchDuringEachTest(): { urls: string[] } {
  const record = { urls: [] as string[] };
  const realFetch = globalThis.fetch;
  beforeEach(() => {
    record.urls = [];
    globalThis.fetch = (async (input: string | URL | Request) => {
      record.urls.push(String(input));
      throw new Error('no network during a server render');
    }) as typeof fetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });
  return record;
}
