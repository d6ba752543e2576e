// @vitest-environment node
import { recordFetchDuringEachTest } from '@confab/adapter-suite/no-network';
import { describe, expect, it } from 'vitest';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { ConfabMessenger, createConfab, useIntercom } from '../src';

/**
 * A server render, in Node: no window, no document. The real HTTP transport would be used on a
 * page, so `fetch` here records instead of reaching anything: the render must not call it.
 */
const fetched = recordFetchDuringEachTest();

describe('server-side rendering', () => {
  it('using the plugin, the composable and the component does nothing to the network or the document, and renders no error', async () => {
    expect(typeof document).toBe('undefined');
    const seen: Record<string, unknown> = {};
    const App = defineComponent({
      setup() {
        const intercom = useIntercom();
        // What an app's setup does: commands and hooks, called on the server too.
        intercom.boot({ app_id: 'acme', user_id: 'u1' });
        intercom.show();
        intercom.trackEvent('rendered');
        const unsubscribe = intercom.onShow(() => {});
        seen.unsubscribe = typeof unsubscribe;
        seen.state = {
          isBooted: intercom.isBooted.value,
          isOpen: intercom.isOpen.value,
          unreadCount: intercom.unreadCount.value,
          visitorId: intercom.visitorId.value,
        };
        return () => h('main', [h('h1', 'Acme shop'), h(ConfabMessenger)]);
      },
    });
    const warnings: string[] = [];
    const app = createSSRApp(App).use(
      createConfab({ app_id: 'acme', user_id: 'u1', logger: { warn: (m) => warnings.push(m) } }),
    );
    app.config.warnHandler = (message) => warnings.push(message);
    app.config.errorHandler = (error) => warnings.push(String(error));
    const html = await renderToString(app);
    expect(html).toContain('<h1>Acme shop</h1>');
    expect(html, 'the messenger renders only in the browser').not.toContain('data-part');
    expect(fetched.urls).toEqual([]);
    expect(warnings).toEqual([]);
    expect(seen).toEqual({
      unsubscribe: 'function',
      state: { isBooted: false, isOpen: false, unreadCount: 0, visitorId: undefined },
    });
  });
});
