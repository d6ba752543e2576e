// The team's side and the messenger together: a real teammate (their own account, avatar and API
// token) and a visitor on a confab.js page in Chromium, both on a real server. Typing and "seen"
// go both ways; a reply is signed with the teammate; an internal note never reaches the visitor.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './browser';
import { type Confab, startConfab } from './confab';
import { loaderSnippet, type Site, startSite } from './site';
import { openTeamStream } from './team-stream';
import { messageTexts } from './thread';

let browser: Browser;
let site: Site;
let confab: Confab;
let context: BrowserContext | undefined;
let stream: Awaited<ReturnType<typeof openTeamStream>> | undefined;

beforeAll(async () => {
  site = await startSite();
  confab = await startConfab([site.url]);
  browser = await launchChromium();
});
afterAll(async () => {
  await stream?.close();
  await context?.close();
  await browser?.close();
  await confab?.stop();
  await site?.close();
});

const part = (page: Page, name: string) => page.locator(`[data-part="${name}"]`);

async function visitorPage(userId: string): Promise<Page> {
  site.page({
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme shop</title></head>
<body><h1>Acme shop</h1><script>
window.intercomSettings = ${JSON.stringify({ app_id: 'acme', user_id: userId, name: 'Ada', api_base: confab.url })};
${loaderSnippet('/confab.js')}
</script></body></html>`,
  });
  context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw new Error(`uncaught error in the page: ${error.message}`);
  });
  await page.goto(site.url);
  return page;
}

it("a teammate's typing, reply (name, avatar, time), read and note, and the visitor's typing, across the real server", async () => {
  const avatarUrl = `${site.url}/avatars/grace.png`;
  const grace = await confab.addTeammate({ name: 'Grace Hopper', email: 'grace@acme.test', avatar_url: avatarUrl });
  const page = await visitorPage('ada-presence');

  await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
  await part(page, 'launcher').click();
  await page.locator('[data-action="new-message"]').first().click();
  await part(page, 'input').fill('Do you ship to Norway?');
  await part(page, 'input').press('Enter');
  const conversationId = async () =>
    (await grace.team<{ conversations: Array<{ id: string }> }>('GET', '/conversations')).conversations[0]?.id;
  await expect.poll(conversationId).toBeDefined();
  const id = (await conversationId())!;
  stream = await openTeamStream(confab.url, 'acme', grace.token);

  // The teammate types: the messenger says who.
  await grace.team('POST', `/conversations/${id}/typing`);
  await expect.poll(() => part(page, 'typing').allTextContents()).toEqual(['Grace Hopper is typing…']);

  // Their reply, signed with their name and picture (the request names no author), and its time.
  const reply = await grace.team<{ created_at: number }>('POST', `/conversations/${id}/reply`, {
    body: 'We do, in 3 days.',
  });
  await expect.poll(() => messageTexts(page)).toEqual(['YouDo you ship to Norway?', 'Grace HopperWe do, in 3 days.']);
  const teamMessage = part(page, 'message').nth(1);
  expect(
    await teamMessage
      .locator('[data-part="avatar"]')
      .evaluate((avatar) => [avatar.tagName, avatar.getAttribute('src'), avatar.getAttribute('alt')]),
  ).toEqual(['IMG', avatarUrl, 'Grace Hopper']);
  expect(await teamMessage.locator('time[data-part="time"]').getAttribute('datetime')).toBe(
    new Date(reply.created_at).toISOString(),
  );

  // The visitor types in the composer: the team stream hears it, as the visitor's, of this conversation.
  await part(page, 'input').fill('Great, thank');
  await expect
    .poll(() => stream!.events)
    .toContainEqual(expect.objectContaining({ type: 'typing', conversation_id: id, author: 'person' }));
  await part(page, 'input').fill('Great, thanks!');
  await part(page, 'input').press('Enter');
  await expect.poll(() => part(page, 'message').last().getAttribute('data-state')).toBe('sent');
  expect(await messageTexts(page)).toEqual([
    'YouDo you ship to Norway?',
    'Grace HopperWe do, in 3 days.',
    'YouGreat, thanks!',
  ]);
  // A reply is not a read: nothing is "Seen" until the teammate reads the conversation.
  expect(await part(page, 'seen').count()).toBe(0);

  await grace.team('POST', `/conversations/${id}/read`);
  await expect
    .poll(() => part(page, 'message').last().locator('[data-part="seen"]').allTextContents())
    .toEqual(['Seen']);
  expect(await part(page, 'seen').count()).toBe(1);

  // An internal note reaches the team stream and nothing of the visitor's: not live, and not when
  // the thread is loaded again. The reply after it shows the messenger heard what followed.
  await grace.team('POST', `/conversations/${id}/notes`, { body: 'Internal: check the Oslo warehouse' });
  await expect
    .poll(() => stream!.events.filter((event) => event.type === 'note').map((event) => event.note.body))
    .toEqual(['Internal: check the Oslo warehouse']);
  await grace.team('POST', `/conversations/${id}/reply`, { body: 'Anything else?' });
  const wholeThread = [
    'YouDo you ship to Norway?',
    'Grace HopperWe do, in 3 days.',
    'YouGreat, thanks!',
    'Grace HopperAnything else?',
  ];
  await expect.poll(() => messageTexts(page)).toEqual(wholeThread);
  expect(await page.getByText('Oslo warehouse').count()).toBe(0);

  await page.reload();
  await expect.poll(() => part(page, 'launcher').isVisible()).toBe(true);
  await page.evaluate(() => (window as unknown as { Intercom: (c: string) => void }).Intercom('showMessages'));
  await part(page, 'conversationItem').click();
  await expect.poll(() => messageTexts(page)).toEqual(wholeThread);
  expect(await page.getByText('Oslo warehouse').count()).toBe(0);
});
