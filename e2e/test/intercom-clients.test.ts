// Intercom's two npm clients driving the built confab.js in Chromium against a real Confab server,
// each on a page bundled as a site would bundle it: @intercom/messenger-js-sdk (which always
// writes Intercom's own api_base) and react-use-intercom (which registers its callbacks again at
// every boot). Nothing may leave 127.0.0.1, and routine calls log no [Confab] warning.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser';
import { bundleClientSite } from './client-sites';
import { type Confab, startConfab } from './confab';
import { type Site, startSite } from './site';

let browser: Browser;
let site: Site;
let confab: Confab;
let sdkBundle: string;
let reactBundle: string;
let context: BrowserContext | null = null;

beforeAll(async () => {
  [sdkBundle, reactBundle] = await Promise.all([
    bundleClientSite('intercom-sdk-site.ts'),
    bundleClientSite('react-use-intercom-site.tsx'),
  ]);
  site = await startSite();
  confab = await startConfab([site.url]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await confab?.stop();
  await site?.close();
});
afterEach(async () => {
  await context?.close();
  context = null;
});

interface WatchedPage {
  page: Page;
  /** Every request the page made, as "METHOD url". */
  requests: string[];
  /** Requests to any host but 127.0.0.1: refused before they leave the machine, and recorded. */
  foreign: string[];
  /** Console lines from Confab. */
  confabLogs: string[];
  /** Any other console warning or error, and uncaught errors. */
  problems: string[];
}

async function openSite(html: string, script: string): Promise<WatchedPage> {
  site.page({ html, script });
  context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const watched: Omit<WatchedPage, 'page'> = { requests: [], foreign: [], confabLogs: [], problems: [] };
  await context.route('**/*', (route) => {
    const request = route.request();
    watched.requests.push(`${request.method()} ${request.url()}`);
    if (new URL(request.url()).hostname !== '127.0.0.1') {
      watched.foreign.push(`${request.method()} ${request.url()}`);
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => watched.problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.text().includes('[Confab]')) watched.confabLogs.push(message.text());
    else if (message.type() === 'warning' || message.type() === 'error') watched.problems.push(message.text());
  });
  await page.goto(site.url);
  return { page, ...watched };
}

function pageWith(title: string, config: unknown, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head>
<body><h1>${title}</h1><div id="app"></div>
<script>window.siteConfig = ${JSON.stringify(config)};</script>
<script src="/site.js"></script></body></html>`;
}

const part = (page: Page, name: string) => page.locator(`[data-part="${name}"]`);
const hookLog = (page: Page) => page.evaluate(() => (window as unknown as { hookLog: string[] }).hookLog);
/** Calls one of the functions the site's bundle exposes as `window.site` (the client's own API). */
const call = (page: Page, name: string, ...args: unknown[]) =>
  page.evaluate(
    ([n, a]) =>
      (window as unknown as { site: Record<string, (...x: unknown[]) => unknown> }).site[n as string]!(
        ...(a as unknown[]),
      ),
    [name, args] as const,
  );

async function contact(userId: string) {
  const { contacts } = await confab.team<{
    contacts: Array<{
      id: string;
      name?: string;
      email?: string;
      attributes: { custom_attributes?: Record<string, unknown> };
    }>;
  }>('GET', `/contacts?user_id=${encodeURIComponent(userId)}`);
  return contacts[0];
}

async function conversationOf(userId: string) {
  const person = await contact(userId);
  if (!person) return undefined;
  const { conversations } = await confab.team<{ conversations: Array<{ id: string; contact: { id: string } }> }>(
    'GET',
    '/conversations',
  );
  return conversations.find((c) => c.contact.id === person.id);
}

describe('@intercom/messenger-js-sdk 0.0.20 with widgetUrl at confab.js', () => {
  it('as its README shows: boot, show, hide, showNewMessage, trackEvent, getVisitorId, onUnreadCountChange and shutdown reach the Confab server and nothing else; one warning says Intercom’s api_base was not used', async () => {
    const watched = await openSite(
      pageWith('Acme (Intercom SDK)', { widgetUrl: `${confab.url}/confab.js` }),
      sdkBundle,
    );
    const { page } = watched;
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await expect.poll(() => contact('sdk-ada')).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
    // The SDK's own keys are settings, not attributes of the person.
    expect(Object.keys((await contact('sdk-ada'))!.attributes.custom_attributes ?? {})).toEqual([]);

    await call(page, 'show');
    await expect.poll(() => part(page, 'panel').isVisible()).toBe(true);
    await call(page, 'hide');
    await expect.poll(() => part(page, 'panel').isVisible()).toBe(false);
    expect(await hookLog(page)).toEqual(['show', 'hide']);

    await call(page, 'showNewMessage', 'Do you ship to Norway?');
    await expect.poll(() => part(page, 'input').inputValue()).toBe('Do you ship to Norway?');
    await part(page, 'input').press('Enter');
    await expect.poll(() => conversationOf('sdk-ada')).toBeDefined();
    await call(page, 'hide');
    await confab.team('POST', `/conversations/${(await conversationOf('sdk-ada'))!.id}/reply`, {
      body: 'We do.',
      author_name: 'Sam',
    });
    await expect.poll(() => hookLog(page)).toEqual(['show', 'hide', 'show', 'hide', 'unread:1']);

    await call(page, 'trackEvent', 'upgraded', { plan: 'pro' });
    const person = (await contact('sdk-ada'))!;
    await expect
      .poll(async () =>
        (await confab.team<{ events: Array<{ name: string }> }>('GET', `/contacts/${person.id}/events`)).events.map(
          (e) => e.name,
        ),
      )
      .toEqual(['upgraded']);
    expect(await call(page, 'getVisitorId')).toMatch(/^[0-9a-f-]{36}$/);

    await call(page, 'shutdown');
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(false);
    await expect.poll(() => watched.requests).toContain(`DELETE ${confab.url}/messenger/v1/apps/acme/session`);

    expect(watched.foreign).toEqual([]);
    expect(watched.confabLogs).toEqual([
      `[Confab] api_base https://api-iam.intercom.io is Intercom's: using ${confab.url} (see confab_api_base)`,
    ]);
    expect(watched.problems).toEqual([]);
  });

  it('confab_api_base names the server when the script comes from elsewhere (any region): no warning at all', async () => {
    const watched = await openSite(
      pageWith('Acme (Intercom SDK, EU)', {
        widgetUrl: `${site.url}/confab.js`,
        settings: { region: 'eu', confab_api_base: confab.url },
      }),
      sdkBundle,
    );
    const { page } = watched;
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await expect.poll(() => contact('sdk-ada')).toBeDefined();
    await call(page, 'show');
    await expect.poll(() => part(page, 'panel').isVisible()).toBe(true);
    await call(page, 'shutdown');
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(false);
    await call(page, 'boot', { app_id: 'acme', user_id: 'sdk-bob' });
    await expect.poll(() => contact('sdk-bob')).toBeDefined();

    expect(
      watched.requests
        .filter((r) => r.includes('/messenger/'))
        .every((r) => r.split(' ')[1]!.startsWith(`${confab.url}/`)),
    ).toBe(true);
    expect(watched.foreign).toEqual([]);
    expect(watched.confabLogs).toEqual([]);
    expect(watched.problems).toEqual([]);
  });
});

describe('react-use-intercom 5.8 (React 19) with confab.js loaded by a script tag', () => {
  const reactPage = (config: unknown = {}) =>
    pageWith('Acme (react-use-intercom)', config, `<script src="${confab.url}/confab.js"></script>`);

  it('boots, shows, hides, starts a conversation, counts unread, tracks and reads the visitor id with no warning (its boot passes undefined for the callbacks the app gave none)', async () => {
    const watched = await openSite(reactPage(), reactBundle);
    const { page } = watched;
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await expect.poll(() => contact('react-ada')).toMatchObject({ name: 'Ada', email: 'ada@example.com' });

    await call(page, 'show');
    await expect.poll(() => page.locator('#messenger-state').textContent()).toBe('open');
    await call(page, 'showNewMessage', 'Hello from React');
    await expect.poll(() => part(page, 'input').inputValue()).toBe('Hello from React');
    await part(page, 'input').press('Enter');
    await expect.poll(() => conversationOf('react-ada')).toBeDefined();
    await call(page, 'hide');
    await expect.poll(() => page.locator('#messenger-state').textContent()).toBe('closed');
    await confab.team('POST', `/conversations/${(await conversationOf('react-ada'))!.id}/reply`, {
      body: 'Hi!',
      author_name: 'Sam',
    });
    await expect.poll(() => hookLog(page)).toEqual(['show', 'hide', 'unread:1']);

    await call(page, 'trackEvent', 'react-event');
    const person = (await contact('react-ada'))!;
    await expect
      .poll(async () =>
        (await confab.team<{ events: Array<{ name: string }> }>('GET', `/contacts/${person.id}/events`)).events.map(
          (e) => e.name,
        ),
      )
      .toEqual(['react-event']);
    expect(await call(page, 'getVisitorId')).toMatch(/^[0-9a-f-]{36}$/);

    expect(watched.foreign).toEqual([]);
    expect(watched.confabLogs).toEqual([]);
    expect(watched.problems).toEqual([]);
  });

  it('its callbacks, registered again at every boot, fire once per event across shutdown and boot cycles', async () => {
    const watched = await openSite(reactPage({ autoBootProps: { userId: 'react-bo' } }), reactBundle);
    const { page } = watched;
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);

    for (let cycle = 0; cycle < 3; cycle++) {
      if (cycle > 0) {
        await call(page, 'shutdown');
        await expect.poll(() => part(page, 'launcher').isVisible()).toBe(false);
        await call(page, 'boot', { userId: 'react-bo' });
        await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
      }
      await page.evaluate(() => ((window as unknown as { hookLog: string[] }).hookLog.length = 0));
      await call(page, 'show');
      await expect.poll(() => page.locator('#messenger-state').textContent()).toBe('open');
      await call(page, 'hide');
      await expect.poll(() => page.locator('#messenger-state').textContent()).toBe('closed');
      expect(await hookLog(page), `after ${cycle} shutdown and boot cycle(s)`).toEqual(['show', 'hide']);
    }
    await expect.poll(() => watched.requests).toContain(`DELETE ${confab.url}/messenger/v1/apps/acme/session`);
    expect(watched.foreign).toEqual([]);
    expect(watched.confabLogs).toEqual([]);
    expect(watched.problems).toEqual([]);
  });
});
