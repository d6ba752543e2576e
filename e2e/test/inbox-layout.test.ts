// The inbox's layout at the two widths a support laptop has (1280×800 and 1024×768), measured in
// Chromium: the thread's action bar stays one row beside or under the contact's name, headings sit
// close to what they head, and the desktop notifications control lines up with the list above it.
// Screenshots of each, at each width, to be looked at.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiVisitorConversation } from './inbox/api-visitor';
import { conversationRow, logOutControl, searchBox } from './inbox/screens';
import { screenshot } from './inbox/screenshot';
import { type InboxWorld, type SeededTeammate, startInboxWorld } from './inbox/world';

let world: InboxWorld;
let admin: SeededTeammate;

beforeAll(async () => {
  world = await startInboxWorld();
  admin = await world.seedTeammate({ name: 'Ann Admin', email: 'ann@acme.test', role: 'admin' });
  // A teammate with a long name makes the assignee select as wide as it gets.
  await world.seedTeammate({ name: 'Bartholomew Longname-Agent', email: 'bart@acme.test', role: 'agent' });
  await apiVisitorConversation(
    world.confab,
    world.site.url,
    'Maximiliana Featherstonehaugh',
    'Is the order on its way?',
  );
});
afterAll(async () => {
  await world?.close();
});

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The boxes of the action bar's controls and of the panes around them. */
function actionBar(page: Page) {
  return page.evaluate(() => {
    const box = (element: Element | null) => {
      const rect = element!.getBoundingClientRect();
      return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom };
    };
    const bar = document.querySelector('.thread-pane .actions')!;
    return {
      pane: box(document.querySelector('.thread-pane')),
      header: box(bar.closest('header')),
      controls: [...bar.querySelectorAll('select, button')].map((control) => ({
        name: control.textContent?.replace(/\s+/g, ' ').trim().slice(0, 20) ?? '',
        ...box(control),
      })),
    };
  });
}

/** The list column's controls that reach past its right edge. */
function overflowingListControls(page: Page) {
  return page.evaluate(() => {
    const column = document.querySelector('.list-column')!.getBoundingClientRect();
    return [...document.querySelectorAll('.list-column :is(button, select, input, label)')]
      .filter((control) => control.getBoundingClientRect().right > Math.ceil(column.right))
      .map((control) => control.outerHTML.slice(0, 80));
  });
}

/** The vertical distance from a page's h1 to the heading that follows it. */
function gapUnderTitle(page: Page) {
  return page.evaluate(() => {
    const title = document.querySelector('main h1')!;
    const next = [...document.querySelectorAll('main h2')][0]!;
    return next.getBoundingClientRect().top - title.getBoundingClientRect().bottom;
  });
}

const widths = [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
];

describe.each(widths)('at $width×$height', (viewport) => {
  it("the thread's action bar is one row inside its pane", async () => {
    const { page, watch } = await world.signedIn(admin, viewport);
    await page.goto(world.inboxUrl('/acme'));
    await expect.poll(() => conversationRow(page, 'Maximiliana').isVisible()).toBe(true);
    await conversationRow(page, 'Maximiliana').click();
    await expect.poll(() => page.locator('.thread-pane .actions select').count()).toBe(2);
    await screenshot(page, `layout-thread-${viewport.width}`);
    const { pane, header, controls } = await actionBar(page);
    expect(controls.map((control) => control.name)).toEqual([
      expect.stringMatching(/^Unassigned/),
      'Assign to me a',
      expect.stringMatching(/^Snooze/),
      'Close e',
    ]);
    // One row: every control's vertical middle is the first one's.
    const middle = (control: Box) => Math.round((control.top + control.bottom) / 2);
    expect(controls.map(middle)).toEqual(controls.map(() => middle(controls[0]!)));
    for (const control of controls) {
      expect(control.left, control.name).toBeGreaterThanOrEqual(pane.left);
      expect(control.right, control.name).toBeLessThanOrEqual(pane.right);
      expect(control.bottom, control.name).toBeLessThanOrEqual(header.bottom);
    }
    // The list beside it keeps its controls inside its own column.
    expect(await overflowingListControls(page)).toEqual([]);
    expect(watch.csp).toEqual([]);
  });

  it('the desktop notifications button lines up with the list above it', async () => {
    const { page, watch } = await world.signedIn(admin, viewport);
    await page.goto(world.inboxUrl('/acme'));
    const enable = page.getByRole('button', { name: 'Enable desktop notifications' });
    await expect.poll(() => enable.isVisible()).toBe(true);
    const [button, search] = await Promise.all([enable.boundingBox(), searchBox(page).boundingBox()]);
    // Its edge is the search box's: a control with a frame of its own, not text floating in the bar.
    expect(Math.round(button!.x)).toBe(Math.round(search!.x));
    expect(await enable.evaluate((element) => getComputedStyle(element).borderTopColor !== 'rgba(0, 0, 0, 0)')).toBe(
      true,
    );
    expect(watch.csp).toEqual([]);
  });

  it('settings and teammates: the first section sits close under the title', async () => {
    const { page, watch } = await world.signedIn(admin, viewport);
    for (const [path, name] of [
      ['/settings', 'settings'],
      ['/admin/teammates', 'teammates'],
    ] as const) {
      await page.goto(world.inboxUrl(path));
      await expect.poll(() => logOutControl(page).isVisible()).toBe(true);
      await expect.poll(() => page.locator('main h2').count()).toBeGreaterThan(0);
      await screenshot(page, `layout-${name}-${viewport.width}`);
      const gap = await gapUnderTitle(page);
      expect(gap, name).toBeGreaterThanOrEqual(8);
      expect(gap, name).toBeLessThanOrEqual(24);
    }
    expect(watch.csp).toEqual([]);
  });
});
