import { recordFetchDuringEachTest } from '@confab/adapter-suite/no-network';
import { render } from 'svelte/server';
import { get } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import { createIntercom } from '../src';
import App from './App.svelte';

/**
 * A server render (as SvelteKit does it), in Node: no window, no document. `fetch` records
 * instead of reaching anything: the render must not call it.
 */
const fetched = recordFetchDuringEachTest();

describe('server-side rendering', () => {
  it('createIntercom and <ConfabMessenger> do nothing to the network or the document, and render no error', async () => {
    expect(typeof document).toBe('undefined');
    const intercom = createIntercom({ app_id: 'acme', user_id: 'u1' });
    intercom.show();
    intercom.trackEvent('rendered');
    expect(typeof intercom.onShow(() => {})).toBe('function');
    const { body } = render(App, { props: { intercom } });
    expect(body).toContain('not booted, 0 unread');
    expect(body, 'the messenger renders only in the browser').not.toContain('data-part');
    expect([get(intercom.isBooted), get(intercom.isOpen), get(intercom.unreadCount), get(intercom.visitorId)]).toEqual([
      false,
      false,
      0,
      undefined,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fetched.urls).toEqual([]);
    intercom.destroy();
  });
});
