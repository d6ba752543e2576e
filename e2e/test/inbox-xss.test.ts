// The adapter suite's XSS corpus, put everywhere a visitor or a teammate can write text (messages,
// notes, teammates' names and emails, the contact's name, email, company and custom attributes,
// pages viewed, event names and metadata, saved replies), runs nothing in the inbox: no dialog, no
// `window.__xss`, no CSP violation, no element made of it.
import { xssCorpus } from '@confab/adapter-suite/xss-corpus';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileVisitor } from './inbox/hostile-visitor';
import { conversationRow, logOutControl } from './inbox/screens';
import { screenshot } from './inbox/screenshot';
import { type InboxWorld, type SeededTeammate, startInboxWorld, type TeammateBrowser } from './inbox/world';

let world: InboxWorld;
let admin: SeededTeammate;

beforeAll(async () => {
  world = await startInboxWorld();
  admin = await world.seedTeammate({ name: 'Ann Admin', email: 'ann@acme.test', role: 'admin' });
});
afterAll(async () => {
  await world?.close();
});

/** Elements or attributes the corpus would create if any of it were parsed as markup. */
function injectedMarkup(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [
      ...document.querySelectorAll(
        'img[src="x"], iframe, object, embed, template, [onerror], [onload], [onfocus], [ontoggle], [onmouseover], body style, a[href^="javascript:" i], a[href^="data:" i]',
      ),
    ].map((element) => element.outerHTML.slice(0, 120)),
  );
}

describe('the XSS corpus in everything people write', () => {
  // Email addresses must look like one (no spaces); these carry markup all the same.
  const hostileEmails = ['"><img/src=x/onerror=window.__xss=31>@evil.test', '<svg/onload=window.__xss=32>@evil.test'];

  beforeAll(async () => {
    // A teammate whose name is markup writes notes and replies: their name shows on each.
    const mallory = await world.seedTeammate({
      name: '<img src=x onerror="window.__xss=30">Mallory',
      email: hostileEmails[0]!,
      role: 'agent',
    });
    // A visitor writing markup into every field the messenger API takes (name, email, company,
    // custom attributes, pages viewed, events and their metadata, messages).
    const { conversationId: id } = await hostileVisitor(world.confab, world.site.url, xssCorpus, hostileEmails[1]!);
    for (const payload of xssCorpus) {
      await mallory.team('POST', `/conversations/${id}/notes`, { body: payload });
      await mallory.team('POST', `/conversations/${id}/reply`, { body: payload });
    }
    for (const [index, payload] of xssCorpus.entries()) {
      await admin.team('POST', '/saved_replies', { title: `${index} ${payload}`.slice(0, 100), body: payload });
    }
  });

  /** Nothing the corpus could have done happened in this browser. */
  function expectNothingRan(watch: TeammateBrowser['watch'], page: Page) {
    expect(watch.xss).toEqual([]);
    expect(watch.dialogs).toEqual([]);
    expect(watch.csp).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(page.frames()).toHaveLength(1);
  }

  it('runs nothing on settings and the admin screens (teammates, saved replies)', async () => {
    const { page, watch } = await world.signedIn(admin);
    for (const path of ['/settings', '/admin/teammates', '/admin/saved-replies']) {
      await page.goto(world.inboxUrl(path));
      await expect.poll(() => logOutControl(page).isVisible()).toBe(true);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).count()).toBeGreaterThan(0);
      if (path === '/admin/teammates') {
        await expect.poll(() => page.getByText(hostileEmails[0]!).count()).toBeGreaterThan(0);
        await screenshot(page, 'xss-teammates');
      }
      if (path === '/admin/saved-replies') {
        await expect.poll(() => page.getByText(xssCorpus[4]!, { exact: true }).count()).toBeGreaterThan(0);
      }
      expect(await injectedMarkup(page)).toEqual([]);
    }
    expectNothingRan(watch, page);
  });

  it('runs nothing on the list and the thread with its contact', async () => {
    const { page, watch } = await world.signedIn(admin);
    await page.goto(world.inboxUrl('/acme'));
    await expect.poll(() => conversationRow(page, 'window.__xss').isVisible()).toBe(true);
    expect(await injectedMarkup(page)).toEqual([]);
    await conversationRow(page, 'window.__xss').click();
    // The thread shows the payloads as the text they are, the teammate's name too.
    await expect.poll(() => page.getByText(xssCorpus[4]!, { exact: true }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByText(xssCorpus[13]!, { exact: true }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByText('<img src=x onerror="window.__xss=30">Mallory').count()).toBeGreaterThan(0);
    await screenshot(page, 'xss-thread');
    expect(await injectedMarkup(page)).toEqual([]);
    expectNothingRan(watch, page);
  });
});
