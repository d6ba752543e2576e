// The Vue, Svelte and React demo pages (apps/demo/vue, apps/demo/svelte, apps/demo/react) in real Chromium against the
// demo's real server: bundled as `pnpm start` bundles them, served by the demo, talking to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildPages } from '../../apps/demo/src/build-pages';
import { type RunningDemo, startDemo } from '../../apps/demo/src/demo';
import { launchChromium, SCREENSHOTS } from './browser';
import { messageTexts } from './thread';

let folder: string;
let demo: RunningDemo;
let browser: Browser;
let context: BrowserContext | null = null;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'confab-framework-demos-'));
  await buildPages(join(folder, 'pages'));
  demo = await startDemo({
    port: 0,
    db: join(folder, 'demo.sqlite'),
    pagesBuildDir: join(folder, 'pages'),
    logger: false,
  });
  browser = await launchChromium();
});
afterEach(async () => {
  await context?.close();
  context = null;
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
  rmSync(folder, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: a test reads JSON answers by the shape it expects; the server's schemas are what the tests check, not this type.
async function team<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${demo.apiBase}/api/v1/apps/demo${path}`, {
    method,
    headers: { authorization: `Bearer ${demo.teamToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`team API ${method} ${path}: ${response.status}`);
  return (await response.json()) as T;
}

const state = (page: Page, key: string) => page.locator(`[data-state-key="${key}"]`).textContent();
const part = (page: Page, name: string) => page.locator(`[data-scope="confab"][data-part="${name}"]`);

describe.each([
  { page: 'vue', url: () => demo.vueUrl, text: 'Hello from the Vue demo' },
  { page: 'svelte', url: () => demo.svelteUrl, text: 'Hello from the Svelte demo' },
  { page: 'react', url: () => demo.reactUrl, text: 'Hello from the React demo' },
])('the $page demo page', ({ page: name, url, text }) => {
  it('boots on load, sends from its composer, and shows a team reply live, then the badge and the hook while closed', async () => {
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    await page.goto(url());

    await expect.poll(() => state(page, 'isBooted')).toBe('true');
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    expect(await state(page, 'visitorId')).toMatch(/^[0-9a-f-]{36}$/);

    await part(page, 'launcher').click();
    await expect.poll(() => state(page, 'view')).toBe('home');
    await page.locator('[data-action="new-message"]').click();
    await part(page, 'input').fill(text);
    await part(page, 'input').press('Enter');
    await expect.poll(() => messageTexts(page)).toEqual([`You${text}`]);

    const { conversations } = await team<{ conversations: Array<{ id: string; last_message: { body: string } }> }>(
      'GET',
      '/conversations',
    );
    const conversation = conversations.find((c) => c.last_message.body === text);
    expect(conversation).toBeDefined();
    await team('POST', `/conversations/${conversation!.id}/reply`, { body: 'Hi from the team', author_name: 'Sam' });
    await expect.poll(() => messageTexts(page)).toEqual([`You${text}`, 'SamHi from the team']);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-demo-thread.png`) });

    await page.locator('[data-command="hide"]').click();
    await expect.poll(() => state(page, 'isOpen')).toBe('false');
    await team('POST', `/conversations/${conversation!.id}/reply`, { body: 'Anything else?', author_name: 'Sam' });
    await expect.poll(() => part(page, 'badge').textContent()).toBe('1');
    expect(await state(page, 'unreadCount')).toBe('1');
    await expect.poll(() => page.locator('#log').textContent()).toContain('onUnreadCountChange(1)');
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-demo-badge.png`) });
    expect(problems).toEqual([]);
  });

  it("boots a user signed by the demo's stand-in site backend: a user_id as an intercom_user_jwt, an email alone by user_hash", async () => {
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    await page.goto(url());
    await expect.poll(() => state(page, 'isBooted')).toBe('true');
    const contacts = async (query: string) =>
      (
        await team<{ contacts: Array<{ role: string; user_id?: string; email_verified: boolean }> }>(
          'GET',
          `/contacts?${query}`,
        )
      ).contacts;

    await page.fill('input[name="user_id"]', `${name}-jwt-user`);
    await page.fill('input[name="email"]', `${name}@example.com`);
    await page.locator('[data-command="boot"]').click();
    await expect
      .poll(() => contacts(`user_id=${name}-jwt-user`))
      .toEqual([expect.objectContaining({ role: 'user', email_verified: true })]);

    await page.fill('input[name="user_id"]', '');
    await page.fill('input[name="email"]', `${name}-only@example.com`);
    await page.locator('[data-command="boot"]').click();
    await expect
      .poll(() => contacts(`email=${name}-only@example.com`))
      .toEqual([expect.objectContaining({ role: 'user', email_verified: true })]);
  });

  it('works under a strict Content-Security-Policy, with no violation and its styles applied', async () => {
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    // The demo serves no CSP: here the page's HTML gets a strict one on its way to the browser.
    const csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'";
    await page.route(url(), async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
    });
    await page.addInitScript(() => {
      const violations: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = violations;
      document.addEventListener('securitypolicyviolation', (e) =>
        violations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await page.goto(url());
    await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
    // Constructed sheets and CSSOM custom properties are allowed by style-src 'self': the launcher is round.
    expect(await part(page, 'launcher').evaluate((el) => getComputedStyle(el).borderRadius)).toBe('50%');
    await part(page, 'launcher').click();
    await expect.poll(() => part(page, 'panel').isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    // The policy is in force: an inline style attribute, which the adapters never write, is refused.
    await page.evaluate(() => document.body.setAttribute('style', 'color: red'));
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations.join()))
      .toMatch(/^style-src/);
  });
});
