// How the tests find things in the inbox: by role and accessible name, as a screen reader or a
// keyboard user would, never by test ids or class names. The names are matched loosely (any
// reasonable wording of the label), so the screens need nothing made for the tests.
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export const login = {
  email: (page: Page) => page.getByLabel(/e-?mail/i),
  password: (page: Page) => page.getByLabel(/^password$/i),
  submit: (page: Page) => page.getByRole('button', { name: /^(log ?in|sign ?in)$/i }),
};

/** Whether the page shows the login form (and so, for a logged-out teammate, nothing else). */
export async function showsLogin(page: Page): Promise<boolean> {
  return (await login.password(page).count()) === 1 && (await login.submit(page).count()) === 1;
}

/** Signs in through the login page that `<inbox>/` shows a logged-out teammate. */
export async function logIn(page: Page, inboxUrl: string, teammate: { email: string; password: string }) {
  await page.goto(`${inboxUrl}/login`);
  await login.email(page).fill(teammate.email);
  await login.password(page).fill(teammate.password);
  await login.submit(page).click();
  // Signed in once the app's frame replaced the form (its button reads otherwise while it waits).
  await expect.poll(() => logOutControl(page).isVisible()).toBe(true);
  expect(await login.password(page).count()).toBe(0);
}

export function logOutControl(page: Page): Locator {
  return page
    .getByRole('button', { name: /^(log ?out|sign ?out)$/i })
    .or(page.getByRole('link', { name: /^(log ?out|sign ?out)$/i }))
    .or(page.getByRole('menuitem', { name: /^(log ?out|sign ?out)$/i }))
    .first();
}

/** The conversation list: a list, listbox or grid whose name says conversations. */
export function conversationList(page: Page): Locator {
  const named = { name: /conversations/i };
  return page
    .getByRole('list', named)
    .or(page.getByRole('listbox', named))
    .or(page.getByRole('grid', named))
    .or(page.getByRole('navigation', named))
    .or(page.getByRole('region', named))
    .first();
}

/** The row of the list that mentions `text` (the contact's name, the last message). */
export function conversationRow(page: Page, text: string | RegExp): Locator {
  const list = conversationList(page);
  return list
    .getByRole('link')
    .or(list.getByRole('option'))
    .or(list.getByRole('row'))
    .or(list.getByRole('listitem'))
    .filter({ hasText: text })
    .first();
}

/** The filter controls of the list (mine, unassigned, all; open, snoozed, closed). */
export function listFilter(page: Page, name: RegExp): Locator {
  return page
    .getByRole('tab', { name })
    .or(page.getByRole('radio', { name }))
    .or(page.getByRole('button', { name }))
    .or(page.getByRole('link', { name }))
    .or(page.getByRole('option', { name }))
    .first();
}

/** The composer's text box (its label names a reply, a message or a note; not the search box). */
export function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: /reply|message|note|write/i }).first();
}

// A control's name may end with the key of its shortcut, shown beside it (`Reply r`).
const SHORTCUT_HINT = String.raw`(\s+\S)?`;

/** A mode switch of the composer: `reply` or `note`. */
export function composerMode(page: Page, mode: 'reply' | 'note'): Locator {
  const name = new RegExp(`^${mode === 'note' ? '(internal )?note' : 'reply'}${SHORTCUT_HINT}$`, 'i');
  return page
    .getByRole('tab', { name })
    .or(page.getByRole('radio', { name }))
    .or(page.getByRole('button', { name }))
    .first();
}

/** A conversation action by its name: assign to me, close, reopen, snooze. */
export function action(page: Page, name: 'assign to me' | 'close' | 'reopen' | 'snooze'): Locator {
  const words = {
    'assign to me': 'assign to me',
    close: 'close( conversation)?',
    reopen: 'reopen( conversation)?',
    snooze: 'snooze',
  };
  const accessibleName = new RegExp(`^${words[name]}${SHORTCUT_HINT}$`, 'i');
  return page
    .getByRole('button', { name: accessibleName })
    .or(page.getByRole('menuitem', { name: accessibleName }))
    .first();
}

/** The search box of the conversation list. */
export function searchBox(page: Page): Locator {
  return page
    .getByRole('searchbox')
    .or(page.getByRole('textbox', { name: /search/i }))
    .first();
}

/** What the open conversation says of its assignee: the assignee control's value, or its text. */
export async function assigneeShown(page: Page): Promise<string> {
  const control = page
    .getByRole('combobox', { name: /^assign(ee|ed to)?$/i })
    .or(page.getByRole('status', { name: /^assign(ee|ed to)?$/i }))
    .first();
  if ((await control.count()) === 0) return '';
  return control.evaluate((element) =>
    element instanceof HTMLSelectElement
      ? (element.selectedOptions[0]?.textContent ?? '')
      : `${element.getAttribute('aria-label') ?? ''} ${element.textContent ?? ''}`,
  );
}

/** The main navigation's links (the shell's nav). */
export function navLink(page: Page, name: RegExp): Locator {
  return page.getByRole('navigation').getByRole('link', { name }).first();
}
