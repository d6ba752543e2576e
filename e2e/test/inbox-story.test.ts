// The inbox's story in Chromium, as the issue tells it: two teammates (Ann, an admin, and Ben, an
// agent), each signed in through the login page in a browser of their own, and one visitor on a
// confab.js page, all on one real server. Everything a teammate does goes through the screens.
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import {
  action,
  assigneeShown,
  composer,
  composerMode,
  conversationRow,
  logOutControl,
  searchBox,
  showsLogin,
} from './inbox/screens';
import { screenshot } from './inbox/screenshot';
import { openVisitor, type Visitor, widgetPart } from './inbox/visitor';
import { type InboxWorld, startInboxWorld } from './inbox/world';
import { messageTexts } from './thread';

let world: InboxWorld;
let visitor: Visitor | undefined;

beforeAll(async () => {
  world = await startInboxWorld();
});
afterAll(async () => {
  await visitor?.context.close();
  await world?.close();
});

it('the visitor writes, both teammates see it live; assign, typing, reply, note, close, reopen, search, logout', async () => {
  const ann = await world.seedTeammate({ name: 'Ann Admin', email: 'ann@acme.test', role: 'admin' });
  const ben = await world.seedTeammate({ name: 'Ben Agent', email: 'ben@acme.test', role: 'agent' });

  const loginPage = await world.newBrowser();
  await loginPage.page.goto(world.inboxUrl('/login'));
  await expect.poll(() => showsLogin(loginPage.page)).toBe(true);
  await screenshot(loginPage.page, 'login');

  const a = await world.signedIn(ann);
  const b = await world.signedIn(ben);
  onTestFailed(async () => {
    await screenshot(a.page, 'failed-story-ann');
    await screenshot(b.page, 'failed-story-ben');
  });
  for (const teammate of [a, b]) await teammate.page.goto(world.inboxUrl('/acme'));

  // The visitor writes: the conversation reaches both inboxes live, through the team stream.
  visitor = await openVisitor(world.browser, world.site, world.confab, {
    user_id: 'ada-1',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
  });
  await visitor.startConversation('Hello, has my order 4417 shipped?');
  for (const teammate of [a, b]) {
    await expect.poll(() => conversationRow(teammate.page, 'Ada Lovelace').isVisible()).toBe(true);
    await expect.poll(() => conversationRow(teammate.page, 'Ada Lovelace').textContent()).toContain('order 4417');
  }
  await screenshot(a.page, 'conversations');

  for (const teammate of [a, b]) {
    await conversationRow(teammate.page, 'Ada Lovelace').click();
    await expect.poll(() => teammate.page.getByText('Hello, has my order 4417 shipped?').count()).toBeGreaterThan(0);
  }

  // Ann assigns it to herself: Ben sees that.
  await action(a.page, 'assign to me').click();
  await expect.poll(() => assigneeShown(a.page)).toMatch(/Ann Admin|\bme\b|\byou\b/i);
  await expect.poll(() => assigneeShown(b.page)).toContain('Ann Admin');

  // Ann types: the visitor sees who.
  await composer(a.page).pressSequentially('It left');
  await expect.poll(() => widgetPart(visitor!.page, 'typing').allTextContents()).toEqual(['Ann Admin is typing…']);

  // Ann replies (Enter sends): the visitor sees her name and picture.
  await composer(a.page).fill('It left our warehouse this morning.');
  await composer(a.page).press('Enter');
  await expect
    .poll(() => messageTexts(visitor!.page))
    .toEqual(['YouHello, has my order 4417 shipped?', 'Ann AdminIt left our warehouse this morning.']);
  expect(
    await widgetPart(visitor.page, 'message')
      .nth(1)
      .locator('[data-part="avatar"]')
      .evaluate((avatar) => [avatar.tagName, avatar.getAttribute('src'), avatar.getAttribute('alt')]),
  ).toEqual(['IMG', ann.avatar_url, 'Ann Admin']);
  await expect.poll(() => composer(a.page).inputValue()).toBe('');
  await expect.poll(() => b.page.getByText('It left our warehouse this morning.').count()).toBeGreaterThan(0);

  // Ann adds an internal note: Ben sees it, the visitor never does.
  await composerMode(a.page, 'note').click();
  await composer(a.page).fill('VIP customer: refund the shipping if it is late');
  await composer(a.page).press('Enter');
  for (const teammate of [a, b]) {
    await expect
      .poll(() => teammate.page.getByText('VIP customer: refund the shipping if it is late').count())
      .toBeGreaterThan(0);
  }
  await screenshot(a.page, 'thread');
  await composerMode(a.page, 'reply').click();

  // Ann closes it: both see it closed.
  await action(a.page, 'close').click();
  for (const teammate of [a, b]) await expect.poll(() => action(teammate.page, 'reopen').isVisible()).toBe(true);

  // The visitor writes again: it is open again in both inboxes, the message there live.
  await visitor.write('One more thing: can I still change the address?');
  for (const teammate of [a, b]) {
    await expect.poll(() => action(teammate.page, 'close').isVisible()).toBe(true);
    await expect
      .poll(() => teammate.page.getByText('One more thing: can I still change the address?').count())
      .toBeGreaterThan(0);
  }
  // Whatever the visitor's messenger shows, the note is not in it, nor in the thread loaded again.
  expect(await visitor.page.getByText('VIP customer').count()).toBe(0);
  await visitor.page.reload();
  await expect.poll(() => widgetPart(visitor!.page, 'launcher').isVisible()).toBe(true);
  await visitor.page.evaluate(() => (window as unknown as { Intercom: (c: string) => void }).Intercom('showMessages'));
  await widgetPart(visitor.page, 'conversationItem').click();
  await expect
    .poll(() => messageTexts(visitor!.page))
    .toEqual([
      'YouHello, has my order 4417 shipped?',
      'Ann AdminIt left our warehouse this morning.',
      'YouOne more thing: can I still change the address?',
    ]);
  expect(await visitor.page.getByText('VIP customer').count()).toBe(0);

  // Ben searches for a word of the visitor's: the server's search finds the conversation.
  await searchBox(b.page).fill('address');
  await searchBox(b.page).press('Enter');
  await expect.poll(() => conversationRow(b.page, 'Ada Lovelace').isVisible()).toBe(true);
  await screenshot(b.page, 'search');

  // Ann logs out: the login page, and no conversation even at the conversation's address.
  const conversationUrl = a.page.url();
  await logOutControl(a.page).click();
  await expect.poll(() => showsLogin(a.page)).toBe(true);
  await a.page.goto(conversationUrl);
  await expect.poll(() => showsLogin(a.page)).toBe(true);
  expect(await a.page.getByText('Ada Lovelace').count()).toBe(0);

  for (const teammate of [a, b]) {
    expect(teammate.watch.errors).toEqual([]);
    expect(teammate.watch.dialogs).toEqual([]);
    expect(teammate.watch.csp).toEqual([]);
    expect(teammate.watch.xss).toEqual([]);
  }
  expect(visitor.errors).toEqual([]);
});
