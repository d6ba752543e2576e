// The saved replies screen against a real server: an admin adds, changes and deletes (after a
// second click) an app's saved replies, listed by title; the body is text; an agent's writes are
// the server's to refuse.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import SavedRepliesScreen from '../../src/admin/SavedRepliesScreen.svelte';
import { lastApp } from '../../src/apps.svelte';
import { session } from '../../src/session.svelte';
import { nodeJson } from '../contact/node-http';
import { byText, type, waitFor } from '../dom';
import { addTeammate, inboxServer, openPage } from '../real-server';

let screen: ReturnType<typeof mount> | undefined;

afterEach(async () => {
  if (screen) unmount(screen);
  screen = undefined;
  document.body.innerHTML = '';
  if (session.status === 'signed-in') await session.signOut().catch(() => {});
});

async function signInAs(role: 'admin' | 'agent', apps: string[]) {
  const teammate = await addTeammate({ role, apps });
  openPage('/inbox/admin/saved-replies');
  await session.signIn(teammate.email, teammate.password);
  return teammate;
}

function show() {
  const target = document.createElement('div');
  document.body.append(target);
  screen = mount(SavedRepliesScreen, { target });
  flushSync();
  return target;
}

/** The app's saved replies as the server holds them (read with the team token). */
async function stored(appId: string): Promise<{ title: string; body: string }[]> {
  const answer = await nodeJson('GET', `/api/v1/apps/${appId}/saved_replies`, undefined, inboxServer().teamToken);
  return (answer.body as { saved_replies: { title: string; body: string }[] }).saved_replies.map(({ title, body }) => ({
    title,
    body,
  }));
}

async function add(target: HTMLElement, title: string, body: string) {
  const form = target.querySelector<HTMLFormElement>('.saved-reply-form')!;
  type(form.querySelector<HTMLInputElement>('.saved-reply-title')!, title);
  type(form.querySelector<HTMLTextAreaElement>('.saved-reply-body')!, body);
  flushSync();
  form.requestSubmit();
  await waitFor(() => byText('.reply-title', title), `"${title}" listed`);
}

describe('the saved replies screen', () => {
  it('adds replies listed by title, changes one, deletes one after a confirmation: the server holds the same', async () => {
    const app = `replies-${Date.now()}`;
    lastApp.remember(app);
    await signInAs('admin', ['*']);
    const target = show();
    await waitFor(() => byText('p', 'No saved replies'), 'the empty list');
    expect(target.querySelector<HTMLSelectElement>('#app-picker-select')!.value).toBe(app);

    await add(target, 'Refunds', 'Refunds take 5 days: https://shop.example/refunds');
    await add(target, 'Greeting <b>hi</b>', 'Hello! <script>window.__xss=1</script>');
    expect([...target.querySelectorAll('.reply-title')].map((t) => t.textContent)).toEqual([
      'Greeting <b>hi</b>',
      'Refunds',
    ]);
    expect(target.querySelector('.reply-list script, .reply-list b')).toBeNull();
    const link = target.querySelector<HTMLAnchorElement>('.reply-body a')!;
    expect(link.getAttribute('href')).toBe('https://shop.example/refunds');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');

    const refunds = byText('.saved-reply', 'Refunds take')!;
    [...refunds.querySelectorAll('button')].find((b) => b.textContent === 'Edit')!.click();
    flushSync();
    const form = refunds.querySelector<HTMLFormElement>('.saved-reply-form')!;
    expect(form.querySelector<HTMLInputElement>('.saved-reply-title')!.value).toBe('Refunds');
    type(form.querySelector<HTMLTextAreaElement>('.saved-reply-body')!, 'Refunds take 3 days.');
    flushSync();
    form.requestSubmit();
    await waitFor(() => byText('.reply-body', 'Refunds take 3 days.'), 'the change');

    const greeting = byText('.saved-reply', 'Greeting')!;
    [...greeting.querySelectorAll('button')].find((b) => b.textContent === 'Delete')!.click();
    flushSync();
    expect(await stored(app)).toHaveLength(2); // one click only asks
    [...byText('.saved-reply', 'Greeting')!.querySelectorAll('button')]
      .find((b) => b.textContent === 'Confirm delete')!
      .click();
    await waitFor(() => !byText('.reply-title', 'Greeting'), 'the deletion');
    expect(await stored(app)).toEqual([{ title: 'Refunds', body: 'Refunds take 3 days.' }]);
  });

  it('a title past 100 characters is not sent; a blank body neither', async () => {
    const app = `replies-limits-${Date.now()}`;
    lastApp.remember(app);
    await signInAs('admin', ['*']);
    const target = show();
    await waitFor(() => byText('p', 'No saved replies'), 'the empty list');
    const form = target.querySelector<HTMLFormElement>('.saved-reply-form')!;
    type(form.querySelector<HTMLInputElement>('.saved-reply-title')!, 'Blank');
    type(form.querySelector<HTMLTextAreaElement>('.saved-reply-body')!, '   ');
    flushSync();
    expect(form.querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled).toBe(true);
    expect(form.querySelector<HTMLInputElement>('.saved-reply-title')!.maxLength).toBe(100);
    expect(await stored(app)).toEqual([]);
  });

  it('lists the apps of a teammate who reaches only some, and switches between them', async () => {
    const first = `replies-a-${Date.now()}`;
    const second = `replies-b-${Date.now()}`;
    lastApp.remember(first);
    await signInAs('admin', [first, second]);
    const made = await fetch(`/api/v1/apps/${second}/saved_replies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Only in B', body: 'B' }),
    });
    expect(made.status).toBe(201);
    const target = show();
    const select = target.querySelector<HTMLSelectElement>('#app-picker-select')!;
    await waitFor(() => byText('p', 'No saved replies'), 'the first app, empty');
    expect([...select.options].map((o) => o.value)).toEqual([first, second].sort());
    expect(target.querySelector('#app-picker-id')).toBeNull();
    [...select.options].find((option) => option.value === second)!.selected = true;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => byText('.reply-title', 'Only in B'), 'the second app’s reply');
  });

  it('attack: an agent with the screen in front of them cannot write; the server refuses and nothing is stored', async () => {
    const app = `replies-agent-${Date.now()}`;
    lastApp.remember(app);
    await signInAs('agent', [app]);
    const target = show();
    await waitFor(() => byText('p', 'No saved replies'), 'the empty list');
    const form = target.querySelector<HTMLFormElement>('.saved-reply-form')!;
    type(form.querySelector<HTMLInputElement>('.saved-reply-title')!, 'Sneaky');
    type(form.querySelector<HTMLTextAreaElement>('.saved-reply-body')!, 'Not allowed');
    flushSync();
    form.requestSubmit();
    await waitFor(() => target.querySelector('[role="alert"]'), 'the refusal');
    expect(byText('.reply-title', 'Sneaky')).toBeUndefined();
    expect(await stored(app)).toEqual([]);
  });
});
