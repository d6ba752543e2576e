// The built widget script in real Chromium, installed with Intercom's standard snippet on a site of
// its own origin, talking to a real Confab server (SQLite file, HTTP, SSE) across origins.
import { join } from 'node:path';
import { xssCorpus } from '@confab/adapter-suite/xss-corpus';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from './browser';
import { type Confab, startConfab } from './confab';
import { loaderSnippet, type Site, startSite } from './site';
import { messageTexts } from './thread';

let browser: Browser;
let site: Site;
let confab: Confab;
let context: BrowserContext | null = null;
// The site again under a name that is not localhost: plain http there is not a secure context.
let insecureSite = '';

beforeAll(async () => {
  site = await startSite();
  insecureSite = site.url.replace('127.0.0.1', 'shop.test');
  confab = await startConfab([site.url, insecureSite, insecureSite.replace('shop.test', 'www.shop.test')]);
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

/** The page a site has: its settings, the standard snippet, hooks that log, calls made before the script arrives. */
function sitePage(settings: Record<string, unknown>, before = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme shop</title></head>
<body><h1>Acme shop</h1><p>Products and prices.</p>
<script>
window.intercomSettings = ${JSON.stringify({ api_base: confab.url, ...settings })};
window.hookLog = [];
${loaderSnippet('/confab.js')}
Intercom('onShow', function () { hookLog.push('show'); });
Intercom('onHide', function () { hookLog.push('hide'); });
Intercom('onUnreadCountChange', function (n) { hookLog.push('unread:' + n); });
${before}
window.queuedBeforeLoad = Intercom.q ? Intercom.q.length : -1;
</script></body></html>`;
}

async function openPage(
  html: string,
  options: { csp?: string; script?: string; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  site.page({
    html,
    ...(options.csp ? { csp: options.csp } : {}),
    ...(options.script ? { script: options.script } : {}),
  });
  context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw new Error(`uncaught error in the page: ${error.message}`);
  });
  await page.goto(site.url);
  return page;
}

const part = (page: Page, name: string) => page.locator(`[data-part="${name}"]`);
const hookLog = (page: Page) => page.evaluate(() => (window as unknown as { hookLog: string[] }).hookLog);
const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

async function conversationsOf(userId: string) {
  const { contacts } = await confab.team<{ contacts: Array<{ id: string }> }>(
    'GET',
    `/contacts?user_id=${encodeURIComponent(userId)}`,
  );
  if (contacts.length === 0) return [];
  const { conversations } = await confab.team<{ conversations: Array<{ id: string; contact: { id: string } }> }>(
    'GET',
    '/conversations',
  );
  return conversations.filter((c) => c.contact.id === contacts[0]!.id);
}

describe('the widget in Chromium', () => {
  it('queued calls, boot, show/hide hooks, a message from the composer, a live reply, the badge', async () => {
    const page = await openPage(
      sitePage(
        { app_id: 'acme', user_id: 'ada', email: 'ada@example.com', name: 'Ada' },
        "Intercom('trackEvent', 'visited-shop', { from: 'e2e' });",
      ),
    );
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { queuedBeforeLoad: number }).queuedBeforeLoad)).toBe(4);
    await shot(page, 'launcher');

    await part(page, 'launcher').click();
    await expect.poll(() => part(page, 'panel').isVisible()).toBe(true);
    expect(await hookLog(page)).toEqual(['show']);
    await expect.poll(() => part(page, 'greeting').textContent()).toContain('Hi Ada');
    await shot(page, 'home');

    await page.locator('[data-action="new-message"]').first().click();
    await part(page, 'input').fill('Do you ship to Norway?');
    await shot(page, 'new-message');
    await part(page, 'input').press('Enter');
    await expect.poll(async () => (await conversationsOf('ada')).length).toBe(1);
    const [conversation] = await conversationsOf('ada');
    const { thread } = await confab.team<{ thread: Array<{ body: string }> }>(
      'GET',
      `/conversations/${conversation!.id}`,
    );
    expect(thread.map((m) => m.body)).toEqual(['Do you ship to Norway?']);

    await confab.team('POST', `/conversations/${conversation!.id}/reply`, {
      body: 'We do, in 3 days.',
      author_name: 'Sam',
    });
    await expect.poll(() => messageTexts(page)).toEqual(['YouDo you ship to Norway?', 'SamWe do, in 3 days.']);
    // The teammate's initials (no picture given) and each message's time, as the server stored it.
    const reply = part(page, 'message').nth(1);
    expect(await reply.locator('[data-part="avatar"]').evaluate((a) => [a.tagName, a.textContent])).toEqual([
      'SPAN',
      'S',
    ]);
    const stored = await confab.team<{ thread: Array<{ created_at: number }> }>(
      'GET',
      `/conversations/${conversation!.id}`,
    );
    expect(await part(page, 'time').evaluateAll((times) => times.map((t) => t.getAttribute('datetime')))).toEqual(
      stored.thread.map((m) => new Date(m.created_at).toISOString()),
    );
    expect(await part(page, 'time').allTextContents()).toEqual([
      expect.stringMatching(/\d/),
      expect.stringMatching(/\d/),
    ]);
    await shot(page, 'conversation');

    await page.keyboard.press('Escape');
    await expect.poll(() => part(page, 'panel').isVisible()).toBe(false);
    expect(await hookLog(page)).toEqual(['show', 'hide']);

    await confab.team('POST', `/conversations/${conversation!.id}/reply`, {
      body: 'Anything else?',
      author_name: 'Sam',
    });
    await expect.poll(() => part(page, 'badge').textContent()).toBe('1');
    expect(await part(page, 'badge').isVisible()).toBe(true);
    expect(await hookLog(page)).toEqual(['show', 'hide', 'unread:1']);
    await shot(page, 'badge');

    const events = await confab.team<{ contacts: Array<{ id: string }> }>('GET', '/contacts?user_id=ada');
    await expect
      .poll(async () =>
        (
          await confab.team<{ events: Array<{ name: string }> }>('GET', `/contacts/${events.contacts[0]!.id}/events`)
        ).events.map((e) => e.name),
      )
      .toEqual(['visited-shop']);

    await page.evaluate(() => (window as unknown as { Intercom: (c: string) => void }).Intercom('showMessages'));
    await expect.poll(() => part(page, 'conversationItem').count()).toBe(1);
    await shot(page, 'messages');
  });

  it('without api_base, the server is the origin the script came from', async () => {
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<script>window.intercomSettings = ${JSON.stringify({ app_id: 'acme', user_id: 'origin-user' })};
${loaderSnippet(`${confab.url}/confab.js`)}</script></body></html>`;
    const page = await openPage(html);
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await page.evaluate(() =>
      (window as unknown as { Intercom: (c: string, m: string) => void }).Intercom(
        'startConversation',
        'Found you by the script',
      ),
    );
    await expect.poll(async () => (await conversationsOf('origin-user')).length).toBe(1);
  });

  it('25 updates: the server ends with the last value of every attribute (throttled ones once the window opens)', async () => {
    const page = await openPage(sitePage({ app_id: 'acme', user_id: 'upd' }));
    await page.clock.install();
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await page.evaluate(() => {
      const intercom = (window as unknown as { Intercom: (c: string, s: object) => void }).Intercom;
      for (let i = 1; i <= 25; i++)
        intercom('update', { counter: i, ...(i === 22 ? { only_in_22: 'kept' } : {}), plan: i < 24 ? 'trial' : 'pro' });
    });
    const attributes = async () => {
      const { contacts } = await confab.team<{
        contacts: Array<{ attributes: { custom_attributes?: Record<string, unknown> } }>;
      }>('GET', '/contacts?user_id=upd');
      return contacts[0]?.attributes.custom_attributes;
    };
    await expect.poll(attributes).toMatchObject({ counter: 20, plan: 'trial' });
    // Intercom's window: 20 per 30 minutes. The page's clock moves on; the held patch goes out.
    await page.clock.fastForward('30:01');
    await expect.poll(attributes).toEqual({ counter: 25, only_in_22: 'kept', plan: 'pro' });
  });

  it('25 updates, then the visitor moves to another page: the new page load sends the held ones', async () => {
    const page = await openPage(sitePage({ app_id: 'acme', user_id: 'upd-reload' }));
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await page.evaluate(() => {
      const intercom = (window as unknown as { Intercom: (c: string, s: object) => void }).Intercom;
      for (let i = 1; i <= 25; i++) intercom('update', { counter: i, ...(i === 23 ? { only_in_23: 'kept' } : {}) });
    });
    const attributes = async () => {
      const { contacts } = await confab.team<{
        contacts: Array<{ attributes: { custom_attributes?: Record<string, unknown> } }>;
      }>('GET', '/contacts?user_id=upd-reload');
      return contacts[0]?.attributes.custom_attributes;
    };
    await expect.poll(attributes).toMatchObject({ counter: 20 });
    await page.reload();
    await expect.poll(attributes).toEqual({ counter: 25, only_in_23: 'kept' });
  });

  it('shutdown removes the cookies and the UI; another user sees none of the first one’s conversations', async () => {
    const page = await openPage(sitePage({ app_id: 'acme', user_id: 'first-user' }));
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await page.evaluate(() =>
      (window as unknown as { Intercom: (c: string, m: string) => void }).Intercom(
        'startConversation',
        'Private question',
      ),
    );
    await expect.poll(async () => (await conversationsOf('first-user')).length).toBe(1);
    const names = async () => (await context!.cookies()).map((c) => c.name).sort();
    expect(await names()).toEqual(['intercom-device-id-acme', 'intercom-id-acme', 'intercom-session-acme']);
    const cookie = (await context!.cookies()).find((c) => c.name === 'intercom-session-acme')!;
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.expires * 1000 - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);

    await page.evaluate(() => (window as unknown as { Intercom: (c: string) => void }).Intercom('shutdown'));
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(false);
    expect(await part(page, 'panel').isVisible()).toBe(false);
    expect(await names()).toEqual(['intercom-device-id-acme', 'intercom-id-acme']);

    await page.evaluate(() =>
      (window as unknown as { Intercom: (c: string, s: object) => void }).Intercom('boot', {
        app_id: 'acme',
        user_id: 'second-user',
      }),
    );
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await page.evaluate(() => (window as unknown as { Intercom: (c: string) => void }).Intercom('showMessages'));
    await expect.poll(() => part(page, 'view').getAttribute('data-view')).toBe('messages');
    await expect.poll(() => page.locator('.confab-empty').textContent()).toBe('No conversations yet');
    expect(await part(page, 'conversationItem').count()).toBe(0);
  });

  it("a lead's conversation is there after a reload and after its session cookie expired; another browser given its visitor id sees none of it", async () => {
    const page = await openPage(sitePage({ app_id: 'acme' }));
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await page.evaluate(() =>
      (window as unknown as { Intercom: (c: string, m: string) => void }).Intercom('startConversation', 'A lead asks'),
    );
    const conversationsOnScreen = async (on: Page) => {
      await expect.poll(() => part(on, 'launcher').isVisible()).toBe(true);
      await on.evaluate(() => (window as unknown as { Intercom: (c: string) => void }).Intercom('showMessages'));
      await expect.poll(() => part(on, 'view').getAttribute('data-view')).toBe('messages');
      return part(on, 'conversationItem').allTextContents();
    };
    await expect.poll(() => conversationsOnScreen(page)).toEqual([expect.stringContaining('A lead asks')]);

    await page.reload();
    await expect.poll(() => conversationsOnScreen(page)).toEqual([expect.stringContaining('A lead asks')]);
    await context!.clearCookies({ name: 'intercom-session-acme' });
    await page.reload();
    await expect.poll(() => conversationsOnScreen(page)).toEqual([expect.stringContaining('A lead asks')]);

    const visitorId = (await context!.cookies()).find((c) => c.name === 'intercom-id-acme')!;
    const other = await browser.newContext();
    try {
      await other.addCookies([{ name: visitorId.name, value: visitorId.value, domain: visitorId.domain, path: '/' }]);
      const stranger = await other.newPage();
      await stranger.goto(site.url);
      await conversationsOnScreen(stranger);
      expect(
        await stranger.evaluate(() =>
          (window as unknown as { Intercom: (c: string) => string }).Intercom('getVisitorId'),
        ),
      ).toBe(visitorId.value);
      await expect.poll(() => stranger.locator('.confab-empty').count()).toBe(1);
      expect(await stranger.locator('.confab-empty').textContent()).toBe('No conversations yet');
      expect(await part(stranger, 'conversationItem').count()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('the custom launcher: clicking an element added later toggles the messenger', async () => {
    const page = await openPage(
      sitePage({
        app_id: 'acme',
        user_id: 'custom',
        custom_launcher_selector: '.open-chat',
        hide_default_launcher: true,
      }),
    );
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { Intercom: { booted: boolean } }).Intercom.booted))
      .toBe(true);
    expect(await part(page, 'launcher').isVisible()).toBe(false);
    await page.evaluate(() => {
      const button = document.createElement('button');
      button.className = 'open-chat';
      button.textContent = 'Chat with us';
      document.body.append(button);
    });
    await page.locator('.open-chat').click();
    await expect.poll(() => part(page, 'panel').isVisible()).toBe(true);
    await page.locator('.open-chat').click({ force: true });
    await expect.poll(() => part(page, 'panel').isVisible()).toBe(false);
  });

  it('the XSS corpus, sent as team replies, runs no script', async () => {
    const page = await openPage(sitePage({ app_id: 'acme', user_id: 'xss' }));
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await page.evaluate(() =>
      (window as unknown as { Intercom: (c: string, m: string) => void }).Intercom(
        'startConversation',
        'XSS corpus follows',
      ),
    );
    await expect.poll(async () => (await conversationsOf('xss')).length).toBe(1);
    const [conversation] = await conversationsOf('xss');
    for (const payload of xssCorpus)
      await confab.team('POST', `/conversations/${conversation!.id}/reply`, { body: payload });
    await expect.poll(() => part(page, 'message').count()).toBe(xssCorpus.length + 1);
    await page.locator('[data-part="message"] a').first().hover();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(
      await page
        .locator(
          '[data-part="message"] :is(img, script, iframe, svg, object, input, details, style):not([data-part="avatar"])',
        )
        .count(),
    ).toBe(0);
    await shot(page, 'xss-corpus');
  });

  it('works under a strict Content-Security-Policy, with no violation', async () => {
    const csp = `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ${confab.url}; img-src 'self'`;
    const script = `
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) { cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });
window.intercomSettings = ${JSON.stringify({ app_id: 'acme', user_id: 'csp', api_base: confab.url })};
${loaderSnippet('/confab.js')}`;
    const page = await openPage(
      '<!doctype html><html><head><meta charset="utf-8"><title>Strict</title><script src="/site.js"></script></head><body><h1>Strict CSP</h1></body></html>',
      { csp, script },
    );
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await part(page, 'launcher').click();
    await page.locator('[data-action="new-message"]').first().click();
    await part(page, 'input').fill('Hello under CSP');
    await part(page, 'sendButton').click();
    await expect.poll(async () => (await conversationsOf('csp')).length).toBe(1);
    // The styles applied (constructed sheets are allowed by style-src 'self'): the launcher is round.
    expect(await part(page, 'launcher').evaluate((el) => getComputedStyle(el).borderRadius)).toBe('50%');
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });

  it('small screens get a full-screen panel', async () => {
    const page = await openPage(sitePage({ app_id: 'acme', user_id: 'mobile' }), {
      viewport: { width: 375, height: 667 },
    });
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    await part(page, 'launcher').click();
    await expect.poll(() => part(page, 'panel').isVisible()).toBe(true);
    const box = await part(page, 'panel').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 375, height: 667 });
    await shot(page, 'mobile-home');
  });

  it('on a plain-http site that is not localhost (no crypto.randomUUID there): boot, a message, shutdown, boot again, no error', async () => {
    // shop.test resolves to 127.0.0.1, so the site and the server share an address space.
    const named = await launchChromium(['--host-resolver-rules=MAP shop.test 127.0.0.1']);
    try {
      site.page({
        html: sitePage({
          app_id: 'acme',
          user_id: 'plain-http',
          api_base: confab.url.replace('127.0.0.1', 'shop.test'),
        }),
      });
      const page = await (await named.newContext()).newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        // The site serves no favicon: the browser's own request for it is not the widget's problem.
        if (
          (message.type() === 'warning' || message.type() === 'error') &&
          !message.location().url.endsWith('/favicon.ico')
        )
          problems.push(message.text());
      });
      await page.goto(`${insecureSite}/`);
      expect(await page.evaluate(() => [window.isSecureContext, typeof crypto.randomUUID])).toEqual([
        false,
        'undefined',
      ]);
      await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
      await part(page, 'launcher').click();
      await page.locator('[data-action="new-message"]').first().click();
      await part(page, 'input').fill('Hello from a plain-http shop');
      await part(page, 'input').press('Enter');
      await expect.poll(async () => (await conversationsOf('plain-http')).length).toBe(1);
      const visitor = await page.evaluate(() =>
        (window as unknown as { Intercom: (c: string) => string }).Intercom('getVisitorId'),
      );
      expect(visitor).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      await page.evaluate(() =>
        (window as unknown as { Intercom: (c: string, s?: object) => void }).Intercom('shutdown'),
      );
      await expect.poll(() => part(page, 'launcher').isVisible()).toBe(false);
      await page.evaluate(() =>
        (window as unknown as { Intercom: (c: string, s?: object) => void }).Intercom('boot', {
          app_id: 'acme',
          user_id: 'plain-http-2',
        }),
      );
      await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await named.close();
    }
  });

  it('in a sandboxed frame (cookies and localStorage throw there): boots, tracks, shuts down and boots again, no error', async () => {
    // The frame's origin is opaque ("null"): a Confab server of its own, open to any origin.
    const open = await startConfab(['*']);
    try {
      const framed = `<!doctype html><html><head><meta charset="utf-8"></head><body><p>Embedded widget</p><script>
window.problems = [];
addEventListener('error', function (e) { problems.push('error: ' + e.message); });
addEventListener('unhandledrejection', function (e) { problems.push('rejection: ' + (e.reason && e.reason.message)); });
window.intercomSettings = ${JSON.stringify({ app_id: 'acme', user_id: 'sandboxed', api_base: open.url })};
${loaderSnippet(`${open.url}/confab.js`)}
</script></body></html>`;
      const html = `<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body>
<iframe sandbox="allow-scripts" style="width:600px;height:700px" srcdoc="${framed.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></iframe></body></html>`;
      const page = await openPage(html);
      await expect.poll(() => page.frames().length).toBe(2);
      const frame = page.frames()[1]!;
      const cookieAccess = () => {
        try {
          return document.cookie;
        } catch (error) {
          return (error as Error).name;
        }
      };
      expect(await frame.evaluate(cookieAccess)).toBe('SecurityError');
      await expect.poll(() => frame.locator('[data-part="launcher"]').isVisible()).toBe(true);
      await frame.evaluate(() => {
        const intercom = (window as unknown as { Intercom: (...args: unknown[]) => void }).Intercom;
        intercom('trackEvent', 'framed-click');
        intercom('shutdown');
        intercom('boot', { app_id: 'acme', user_id: 'sandboxed-2' });
      });
      await expect
        .poll(() => frame.evaluate(() => (window as unknown as { Intercom: { booted: boolean } }).Intercom.booted))
        .toBe(true);
      const { contacts } = await open.team<{ contacts: Array<{ id: string }> }>('GET', '/contacts?user_id=sandboxed');
      await expect
        .poll(async () =>
          (
            await open.team<{ events: Array<{ name: string }> }>('GET', `/contacts/${contacts[0]!.id}/events`)
          ).events.map((e) => e.name),
        )
        .toEqual(['framed-click']);
      expect(await frame.evaluate(() => (window as unknown as { problems: string[] }).problems)).toEqual([]);
    } finally {
      await open.stop();
    }
  });

  it('on a site that used Intercom before: its cookies on the top domain neither shadow ours nor survive a shutdown', async () => {
    const named = await launchChromium(['--host-resolver-rules=MAP shop.test 127.0.0.1, MAP www.shop.test 127.0.0.1']);
    try {
      const context = await named.newContext();
      // What Intercom's own script left: the same names as domain cookies of the top domain.
      await context.addCookies(
        ['intercom-id-acme', 'intercom-session-acme', 'intercom-device-id-acme'].map((name) => ({
          name,
          value: `left-by-intercom`,
          domain: '.shop.test',
          path: '/',
        })),
      );
      site.page({ html: sitePage({ app_id: 'acme', api_base: confab.url.replace('127.0.0.1', 'shop.test') }) });
      const page = await context.newPage();
      const www = insecureSite.replace('shop.test', 'www.shop.test');
      await page.goto(`${www}/`);
      await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
      const intercom = (command: string) =>
        page.evaluate((c) => (window as unknown as { Intercom: (c: string) => unknown }).Intercom(c), command);
      const before = await intercom('getVisitorId');
      await intercom('shutdown');
      await expect.poll(() => part(page, 'launcher').isVisible()).toBe(false);
      const after = await intercom('getVisitorId');
      expect(after).not.toBe(before);
      expect(after).toMatch(/^[0-9a-f]{8}-/);
      const cookies = await context.cookies(www);
      // The device id is the device's, not the person's: read, kept, never rewritten.
      expect(cookies.filter((c) => c.value === 'left-by-intercom').map((c) => c.name)).toEqual([
        'intercom-device-id-acme',
      ]);
      expect(cookies.filter((c) => c.name === 'intercom-id-acme')).toHaveLength(1);
    } finally {
      await named.close();
    }
  });
});
