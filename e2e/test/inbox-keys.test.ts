// The inbox's list keys and snooze presets in Chromium: `k` moves up the list as `j` moves down
// (and stops at the top), and each snooze preset (later today, tomorrow, next week) takes the
// conversation out of the Open list and into the Snoozed one, showing when it wakes.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { laterToday, nextWeek, tomorrow } from '../../apps/inbox/src/conversations/snooze-presets';
import { apiVisitorConversation } from './inbox/api-visitor';
import { conversationRow } from './inbox/screens';
import { screenshot } from './inbox/screenshot';
import { type InboxWorld, type SeededTeammate, startInboxWorld } from './inbox/world';

let world: InboxWorld;
let admin: SeededTeammate;
const ids: Record<string, string> = {};

beforeAll(async () => {
  world = await startInboxWorld();
  admin = await world.seedTeammate({ name: 'Ann Admin', email: 'ann@acme.test', role: 'admin' });
  // Written one after the other: the list shows them newest first (Grace, Alan, Ada).
  for (const name of ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'])
    ids[name] = await apiVisitorConversation(world.confab, world.site.url, name, `A question from ${name}`);
});
afterAll(async () => {
  await world?.close();
});

/** The contact's name on the row the keyboard selected. */
function selectedRow(page: Page) {
  return page.evaluate(() => document.querySelector('a.row.selected .name')?.textContent ?? null);
}

it('k moves up the list as j moves down, and stops at the top; Enter opens the selected one', async () => {
  const { page, watch } = await world.signedIn(admin);
  onTestFailed(() => screenshot(page, 'failed-keys'));
  await page.goto(world.inboxUrl('/acme'));
  for (const name of Object.keys(ids)) await expect.poll(() => conversationRow(page, name).isVisible()).toBe(true);

  await page.keyboard.press('j');
  await expect.poll(() => selectedRow(page)).toBe('Grace Hopper');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect.poll(() => selectedRow(page)).toBe('Ada Lovelace');
  await page.keyboard.press('k');
  await expect.poll(() => selectedRow(page)).toBe('Alan Turing');
  await page.keyboard.press('k');
  await expect.poll(() => selectedRow(page)).toBe('Grace Hopper');
  await page.keyboard.press('k');
  await expect.poll(() => selectedRow(page)).toBe('Grace Hopper');
  await page.keyboard.press('j');
  await expect.poll(() => selectedRow(page)).toBe('Alan Turing');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.url()).toBe(world.inboxUrl(`/acme/conversations/${ids['Alan Turing']}`));
  expect(watch.errors).toEqual([]);
  expect(watch.csp).toEqual([]);
});

describe('snooze presets', () => {
  const presets = [
    ['Later today', laterToday, 'Ada Lovelace'],
    ['Tomorrow', tomorrow, 'Alan Turing'],
    ['Next week', nextWeek, 'Grace Hopper'],
  ] as const;

  it.each(presets)(
    '%s: the conversation leaves Open and shows under Snoozed with its wake time',
    async (label, wakeAt, name) => {
      const { page, watch } = await world.signedIn(admin);
      onTestFailed(() => screenshot(page, 'failed-snooze'));
      await page.goto(world.inboxUrl(`/acme/conversations/${ids[name]}`));
      await expect.poll(() => conversationRow(page, name).isVisible()).toBe(true);
      const snooze = page.getByRole('combobox', { name: 'Snooze' });
      await expect.poll(() => snooze.isEnabled()).toBe(true);

      const option = snooze.locator('option').filter({ hasText: new RegExp(`^${label} \\(`) });
      const before = Date.now();
      await snooze.selectOption((await option.getAttribute('value'))!);
      const after = Date.now();

      // The server has it snoozed until the preset's time (read by the page's clock, between the two).
      const stored = async () =>
        (
          await admin.team<{ conversation: { state: string; snoozed_until?: number } }>(
            'GET',
            `/conversations/${ids[name]}`,
          )
        ).conversation;
      await expect.poll(async () => (await stored()).state).toBe('snoozed');
      const until = (await stored()).snoozed_until!;
      expect([wakeAt(before), wakeAt(after)]).toContain(until);

      // Gone from the Open list; under Snoozed, its row says when it wakes.
      await expect.poll(() => conversationRow(page, name).count()).toBe(0);
      await page.getByRole('combobox', { name: 'State' }).selectOption('snoozed');
      await expect.poll(() => conversationRow(page, name).isVisible()).toBe(true);
      const shown = await page.evaluate(
        (at) => new Date(at).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' }),
        until,
      );
      // Read without waiting for an element (a row without a wake time answers []).
      const wakes = () =>
        conversationRow(page, name)
          .locator('time.wakes')
          .evaluateAll((times) => times.map((time) => `${time.getAttribute('datetime')} ${time.textContent}`));
      await expect.poll(wakes).toEqual([`${new Date(until).toISOString()} until ${shown}`]);
      await screenshot(page, `snoozed-${label.toLowerCase().replace(/\s+/g, '-')}`);
      expect(watch.errors).toEqual([]);
      expect(watch.csp).toEqual([]);
    },
  );
});
