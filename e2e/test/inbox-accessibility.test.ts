// The inbox for someone who uses no mouse or a screen reader: axe-core finds no serious or
// critical issue on the main screens (login, the list, a thread with its contact, settings, the
// admin screens), and a teammate signs in, moves, opens, replies, closes and finds the shortcut
// sheet with the keyboard alone.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { seriousAccessibilityIssues } from './inbox/axe';
import { composer, conversationRow, login, logOutControl, searchBox, showsLogin } from './inbox/screens';
import { screenshot } from './inbox/screenshot';
import { openVisitor, type Visitor } from './inbox/visitor';
import { type InboxWorld, type SeededTeammate, startInboxWorld } from './inbox/world';

let world: InboxWorld;
let admin: SeededTeammate;
const visitors: Visitor[] = [];

beforeAll(async () => {
  world = await startInboxWorld();
  admin = await world.seedTeammate({ name: 'Ann Admin', email: 'ann@acme.test', role: 'admin' });
  await world.seedTeammate({ name: 'Ben Agent', email: 'ben@acme.test', role: 'agent' });
  await admin.team('POST', '/saved_replies', { title: 'Shipping times', body: 'We ship within 2 days.' });
  for (const [userId, name, body] of [
    ['ada-1', 'Ada Lovelace', 'Where is my order?'],
    ['alan-1', 'Alan Turing', 'Can I pay by invoice? See https://example.com/invoice'],
  ] as const) {
    const visitor = await openVisitor(world.browser, world.site, world.confab, {
      user_id: userId,
      name,
      email: `${userId}@example.com`,
      plan: 'pro',
    });
    await visitor.page.evaluate(() =>
      (window as unknown as { Intercom: (...args: unknown[]) => void }).Intercom('trackEvent', 'viewed-pricing', {
        plan: 'pro',
      }),
    );
    await visitor.startConversation(body);
    visitors.push(visitor);
  }
});
afterAll(async () => {
  for (const visitor of visitors) await visitor.context.close();
  await world?.close();
});

async function expectNoSeriousIssues(page: Page, screen: string) {
  const issues = await seriousAccessibilityIssues(page);
  expect(issues, `${screen}: ${JSON.stringify(issues, null, 1)}`).toEqual([]);
}

it('axe-core finds no serious or critical issue on the login page', async () => {
  const { page, watch } = await world.newBrowser();
  await page.goto(world.inboxUrl('/login'));
  await expect.poll(() => showsLogin(page)).toBe(true);
  await expectNoSeriousIssues(page, 'login');
  expect(watch.csp).toEqual([]);
});

it('axe-core finds no serious or critical issue on settings and the admin screens', async () => {
  const { page, watch } = await world.signedIn(admin);
  for (const [path, name] of [
    ['/settings', 'settings'],
    ['/admin/teammates', 'admin-teammates'],
    ['/admin/saved-replies', 'admin-saved-replies'],
  ] as const) {
    await page.goto(world.inboxUrl(path));
    await expect.poll(() => logOutControl(page).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).count()).toBeGreaterThan(0);
    await expectNoSeriousIssues(page, name);
    await screenshot(page, name);
  }
  expect(watch.errors).toEqual([]);
  expect(watch.csp).toEqual([]);
});

it('axe-core finds no serious or critical issue on the list and a thread with its contact', async () => {
  const { page, watch } = await world.signedIn(admin);
  await page.goto(world.inboxUrl('/acme'));
  await expect.poll(() => conversationRow(page, 'Alan Turing').isVisible()).toBe(true);
  const list = await seriousAccessibilityIssues(page);

  await conversationRow(page, 'Alan Turing').click();
  await expect.poll(() => page.getByRole('link', { name: 'https://example.com/invoice' }).count()).toBeGreaterThan(0);
  await screenshot(page, 'thread-contact');
  // Both screens checked before either fails, so one run names every issue.
  expect({ list, thread: await seriousAccessibilityIssues(page) }).toEqual({ list: [], thread: [] });
  expect(watch.errors).toEqual([]);
  expect(watch.csp).toEqual([]);
});

it('keyboard only: sign in, move in the list, open, reply, assign, note, close, the shortcut sheet and search', async () => {
  const { page, watch } = await world.newBrowser();
  onTestFailed(() => screenshot(page, 'failed-keyboard'));
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement;
      return element ? `${element.tagName.toLowerCase()} ${element.getAttribute('type') ?? ''}`.trim() : '';
    });

  // Sign in: Tab to the email field, type, Tab, type, Enter.
  await page.goto(world.inboxUrl('/acme'));
  await expect.poll(() => showsLogin(page)).toBe(true);
  for (
    let tabs = 0;
    tabs < 10 && !(await login.email(page).evaluate((input) => input === document.activeElement));
    tabs++
  )
    await page.keyboard.press('Tab');
  await page.keyboard.type(admin.email);
  await page.keyboard.press('Tab');
  expect(await login.password(page).evaluate((input) => input === document.activeElement)).toBe(true);
  await page.keyboard.type(admin.password);
  await page.keyboard.press('Enter');
  await expect.poll(() => conversationRow(page, 'Alan Turing').isVisible()).toBe(true);

  // j moves to the first conversation, Enter opens it (the newest: Alan's).
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.url()).toMatch(/\/inbox\/acme\/conversations\/[^/]+$/);
  const alansId = decodeURIComponent(page.url().split('/').pop()!);
  const alans = await admin.team<{ conversation: { contact: { name: string } } }>('GET', `/conversations/${alansId}`);
  expect(alans.conversation.contact.name).toBe('Alan Turing');

  // r goes to the reply box (once the thread shows, as a person would wait for it); Enter sends.
  await expect.poll(() => page.getByRole('link', { name: 'https://example.com/invoice' }).count()).toBeGreaterThan(0);
  await expect.poll(() => composer(page).isVisible()).toBe(true);
  await page.keyboard.press('r');
  await expect.poll(() => composer(page).evaluate((box) => box === document.activeElement)).toBe(true);
  await page.keyboard.type('Yes, invoices are fine.');
  await page.keyboard.press('Enter');
  await expect
    .poll(async () =>
      (
        await admin.team<{ thread: Array<{ kind: string; body: string }> }>('GET', `/conversations/${alansId}`)
      ).thread.map((entry) => entry.body),
    )
    .toContain('Yes, invoices are fine.');

  // Out of the box (Escape): a assigns it to me; n writes a note; e closes the conversation.
  await page.keyboard.press('Escape');
  await expect.poll(focused).not.toBe('textarea');
  const conversation = async () =>
    await admin.team<{
      conversation: { state: string; assignee_id: string | null };
      thread: Array<{ kind: string; body: string }>;
    }>('GET', `/conversations/${alansId}`);
  await page.keyboard.press('a');
  await expect.poll(async () => (await conversation()).conversation.assignee_id).toBe(admin.id);
  await page.keyboard.press('n');
  await expect.poll(() => composer(page).evaluate((box) => box === document.activeElement)).toBe(true);
  await page.keyboard.type('Invoices need a PO number.');
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => (await conversation()).thread.map((entry) => `${entry.kind}: ${entry.body}`))
    .toContain('note: Invoices need a PO number.');
  await page.keyboard.press('Escape');
  await expect.poll(focused).not.toBe('textarea');
  await page.keyboard.press('e');
  await expect
    .poll(
      async () =>
        (await admin.team<{ conversation: { state: string } }>('GET', `/conversations/${alansId}`)).conversation.state,
    )
    .toBe('closed');

  // ? shows the sheet of shortcuts, Escape closes it.
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: /keyboard shortcuts/i });
  await expect.poll(() => sheet.isVisible()).toBe(true);
  await expect.poll(() => sheet.textContent()).toMatch(/reply/i);
  await screenshot(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await expect.poll(() => sheet.isVisible()).toBe(false);

  // / goes to the search box.
  await page.keyboard.press('/');
  await expect.poll(() => searchBox(page).evaluate((box) => box === document.activeElement)).toBe(true);

  expect(watch.errors).toEqual([]);
  expect(watch.csp).toEqual([]);
});
