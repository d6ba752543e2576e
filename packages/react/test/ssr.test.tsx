// @vitest-environment node
import { recordFetchDuringEachTest } from '@confab/adapter-suite/no-network';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { ConfabMessenger, ConfabProvider, useIntercom } from '../src';

/**
 * A server render, in Node: no window, no document. The real HTTP transport would be used on a
 * page, so `fetch` here records instead of reaching anything: the render must not call it.
 */
const fetched = recordFetchDuringEachTest();

describe('server-side rendering', () => {
  it('the provider, the hook and the component do nothing to the network or the document, and render no error', () => {
    expect(typeof document).toBe('undefined');
    const seen: Record<string, unknown> = {};
    // biome-ignore lint/correctness/noComponentHookFactories: a test's component closes over what the test records
    function Shop() {
      const intercom = useIntercom();
      // What an app's render may do: commands and hooks, called on the server too.
      intercom.boot({ userId: 'u1' });
      intercom.show();
      intercom.trackEvent('rendered');
      seen.unsubscribe = typeof intercom.onShow(() => {});
      seen.state = {
        isBooted: intercom.isBooted,
        isOpen: intercom.isOpen,
        unreadCount: intercom.unreadCount,
        visitorId: intercom.visitorId,
      };
      return (
        <main>
          <h1>Acme shop</h1>
          <ConfabMessenger />
        </main>
      );
    }
    const warnings: string[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation((...args) => warnings.push(String(args[0])));
    const html = renderToString(
      <ConfabProvider appId="acme" autoBoot autoBootProps={{ userId: 'u1' }} logger={{ warn: (m) => warnings.push(m) }}>
        <Shop />
      </ConfabProvider>,
    );
    errors.mockRestore();
    expect(html).toBe('<main><h1>Acme shop</h1></main>');
    expect(fetched.urls).toEqual([]);
    expect(warnings).toEqual([]);
    expect(seen).toEqual({
      unsubscribe: 'function',
      state: { isBooted: false, isOpen: false, unreadCount: 0, visitorId: undefined },
    });
  });
});
