// The visitor: a page of the site with confab.js loaded by Intercom's snippet, in its own browser
// context, the widget driven through its parts as a person would.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Confab } from '../confab';
import { loaderSnippet, type Site } from '../site';
import { avatarUrl, serveAvatars } from './avatars';
import { until } from './until';

export const widgetPart = (page: Page, name: string) => page.locator(`[data-scope="confab"][data-part="${name}"]`);

export interface Visitor {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** Opens the messenger and starts a conversation with `body`. */
  startConversation(body: string): Promise<void>;
  /** Writes `body` into the open conversation and waits until it is sent. */
  write(body: string): Promise<void>;
}

export async function openVisitor(
  browser: Browser,
  site: Site,
  confab: Confab,
  settings: Record<string, unknown>,
): Promise<Visitor> {
  site.page({
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme shop</title></head>
<body><h1>Acme shop</h1><script>
window.intercomSettings = ${JSON.stringify({ app_id: 'acme', api_base: confab.url, ...settings }).replace(/</g, '\\u003c')};
${loaderSnippet('/confab.js')}
</script></body></html>`,
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  await serveAvatars(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // The messenger's warnings and failed requests, to explain a launcher that never shows.
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('response', async (response) => {
    if (response.status() >= 400)
      errors.push(`${response.status()} ${response.url()} ${await response.text().catch(() => '')}`);
  });
  await page.goto(site.url);
  await until(
    () => widgetPart(page, 'launcher').isVisible(),
    () => `the messenger to show (${errors.join('; ')})`,
  );

  async function write(body: string) {
    const sentBefore = await widgetPart(page, 'message').count();
    await widgetPart(page, 'input').fill(body);
    await widgetPart(page, 'input').press('Enter');
    await until(
      async () => (await widgetPart(page, 'message').count()) > sentBefore,
      () => `"${body}" to show`,
    );
    await until(
      async () => (await widgetPart(page, 'message').last().getAttribute('data-state')) === 'sent',
      () => `"${body}" to be sent (${errors.join('; ')})`,
    );
  }
  return {
    context,
    page,
    errors,
    async startConversation(body) {
      await widgetPart(page, 'launcher').click();
      await page.locator('[data-action="new-message"]').first().click();
      await write(body);
    },
    write,
  };
}

export { avatarUrl };
