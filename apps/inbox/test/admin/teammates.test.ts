// The teammates screen against a real server: an admin invites (the password link shown works),
// changes a role, deactivates (after a second click) and reactivates; an agent is refused by the
// server even with the screen in front of them.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import TeammatesScreen from '../../src/admin/TeammatesScreen.svelte';
import { session } from '../../src/session.svelte';
import { nodeJson, nodeSignIn } from '../contact/node-http';
import { byText, type, waitFor } from '../dom';
import { addTeammate, openPage } from '../real-server';

let screen: ReturnType<typeof mount> | undefined;

afterEach(async () => {
  if (screen) unmount(screen);
  screen = undefined;
  document.body.innerHTML = '';
  if (session.status === 'signed-in') await session.signOut().catch(() => {});
});

async function signInAs(role: 'admin' | 'agent') {
  const teammate = await addTeammate({ role, apps: role === 'admin' ? ['*'] : ['acme'] });
  openPage('/inbox/admin/teammates');
  await session.signIn(teammate.email, teammate.password);
  return teammate;
}

function show() {
  const target = document.createElement('div');
  document.body.append(target);
  screen = mount(TeammatesScreen, { target });
  flushSync();
  return target;
}

/** The role the server holds for the teammate of a session. */
async function roleOf(cookie: string): Promise<string> {
  const me = await nodeJson('GET', '/api/v1/me', undefined, undefined, { cookie });
  return (me.body as { teammate: { role: string } }).teammate.role;
}

const rowOf = (target: HTMLElement, id: string) =>
  target.querySelector<HTMLTableRowElement>(`tr[data-teammate="${id}"]`);
const button = (scope: ParentNode, text: string) =>
  [...scope.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.trim() === text);

describe('the teammates screen', () => {
  it('invites a teammate: the link shown sets their password; they show as invited, then active', async () => {
    const admin = await signInAs('admin');
    const target = show();
    await waitFor(() => rowOf(target, admin.id), 'the list');
    expect(button(rowOf(target, admin.id)!, 'Deactivate')).toBeUndefined(); // never oneself

    const email = `invited-${Date.now()}@example.com`;
    type(target.querySelector<HTMLInputElement>('#invite-email')!, email);
    type(target.querySelector<HTMLInputElement>('#invite-name')!, 'Nia <img src=x onerror=window.__xss=1>');
    type(target.querySelector<HTMLInputElement>('#invite-apps')!, 'acme, beta');
    flushSync();
    target.querySelector<HTMLFormElement>('.invite-form')!.requestSubmit();
    const linkField = await waitFor(() => target.querySelector<HTMLInputElement>('.link-value'), 'the password link');
    const url = new URL(linkField.value);
    expect(url.pathname).toBe('/inbox/set-password');
    const row = await waitFor(() => byText('tr[data-teammate]', email), 'the new row');
    expect(row.querySelector('.teammate-name')!.textContent).toBe('Nia <img src=x onerror=window.__xss=1>');
    expect(row.querySelector('img')).toBeNull();
    expect(row.textContent).toContain('Invited');
    expect(row.querySelector('.teammate-apps')!.textContent).toBe('acme, beta');

    const token = decodeURIComponent(url.hash.replace(/^#token=/, ''));
    const set = await nodeJson('POST', '/api/v1/auth/password', { token, password: 'nia password 2026' });
    expect(set.status).toBe(200);
    expect(await nodeSignIn(email, 'nia password 2026')).toMatch(/^confab_session=/);
  });

  it('refuses an email already taken with the server’s reason, adding no row', async () => {
    const admin = await signInAs('admin');
    const target = show();
    await waitFor(() => rowOf(target, admin.id), 'the list');
    const rows = target.querySelectorAll('tr[data-teammate]').length;
    type(target.querySelector<HTMLInputElement>('#invite-email')!, admin.email.toUpperCase());
    type(target.querySelector<HTMLInputElement>('#invite-name')!, 'Twin');
    flushSync();
    target.querySelector<HTMLFormElement>('.invite-form')!.requestSubmit();
    await waitFor(() => byText('[role="alert"]', 'email'), 'the refusal');
    expect(target.querySelector('.link-value')).toBeNull();
    expect(target.querySelectorAll('tr[data-teammate]')).toHaveLength(rows);
  });

  it('changes a role, deactivates after a confirmation (their sessions end) and reactivates (they sign in again)', async () => {
    await signInAs('admin');
    const alan = await addTeammate({ role: 'agent', apps: ['acme'] });
    const alansSession = await nodeSignIn(alan.email, alan.password);
    const target = show();
    const row = await waitFor(() => rowOf(target, alan.id), 'Alan’s row');

    const role = row.querySelector<HTMLSelectElement>('select')!;
    role.value = 'admin';
    role.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => roleOf(alansSession)).toBe('admin');
    role.value = 'agent';
    role.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => roleOf(alansSession)).toBe('agent');

    button(row, 'Deactivate')!.click();
    flushSync();
    expect(rowOf(target, alan.id)!.textContent).toContain('Active'); // nothing yet: one click asks
    button(rowOf(target, alan.id)!, 'Confirm deactivation')!.click();
    await waitFor(() => rowOf(target, alan.id)!.textContent!.includes('Deactivated'), 'deactivated');
    expect((await nodeJson('GET', '/api/v1/me', undefined, undefined, { cookie: alansSession })).status).toBe(401);
    expect((await nodeJson('POST', '/api/v1/auth/login', { email: alan.email, password: alan.password })).status).toBe(
      401,
    );

    button(rowOf(target, alan.id)!, 'Reactivate')!.click();
    await waitFor(() => rowOf(target, alan.id)!.textContent!.includes('Active'), 'active again');
    expect(await nodeSignIn(alan.email, alan.password)).toMatch(/^confab_session=/);
    expect((await nodeJson('GET', '/api/v1/me', undefined, undefined, { cookie: alansSession })).status).toBe(401);
  });

  it('changes the apps a teammate reaches; apps beyond the admin’s own are the server’s refusal', async () => {
    const admin = await addTeammate({ role: 'admin', apps: ['acme', 'beta'] });
    openPage('/inbox/admin/teammates');
    await session.signIn(admin.email, admin.password);
    const alan = await addTeammate({ role: 'agent', apps: ['acme'] });
    const alansSession = await nodeSignIn(alan.email, alan.password);
    const target = show();
    const row = await waitFor(() => rowOf(target, alan.id), 'Alan’s row');
    expect(
      (await nodeJson('GET', '/api/v1/apps/beta/conversations', undefined, undefined, { cookie: alansSession })).status,
    ).toBe(403);

    row.querySelector<HTMLButtonElement>('.edit-apps')!.click();
    flushSync();
    type(rowOf(target, alan.id)!.querySelector<HTMLInputElement>('.apps-input')!, 'acme, gamma');
    flushSync();
    rowOf(target, alan.id)!.querySelector<HTMLFormElement>('.apps-form')!.requestSubmit();
    await waitFor(() => byText('[role="alert"]', 'gamma'), 'the refusal');
    // The form stays open with what was typed, to correct; the server holds the apps as they were.
    expect(rowOf(target, alan.id)!.querySelector<HTMLInputElement>('.apps-input')!.value).toBe('acme, gamma');
    expect(
      (await nodeJson('GET', '/api/v1/apps/beta/conversations', undefined, undefined, { cookie: alansSession })).status,
    ).toBe(403);

    type(rowOf(target, alan.id)!.querySelector<HTMLInputElement>('.apps-input')!, 'acme beta');
    flushSync();
    rowOf(target, alan.id)!.querySelector<HTMLFormElement>('.apps-form')!.requestSubmit();
    await waitFor(
      () => rowOf(target, alan.id)!.querySelector('.teammate-apps')?.textContent === 'acme, beta',
      'the change',
    );
    expect(
      (await nodeJson('GET', '/api/v1/apps/beta/conversations', undefined, undefined, { cookie: alansSession })).status,
    ).toBe(200);
  });

  it('a reset link for a teammate replaces their earlier one and is shown to hand over', async () => {
    await signInAs('admin');
    const alan = await addTeammate({ role: 'agent', apps: ['acme'] });
    const target = show();
    const row = await waitFor(() => rowOf(target, alan.id), 'Alan’s row');
    button(row, 'Reset link')!.click();
    const linkField = await waitFor(() => target.querySelector<HTMLInputElement>('.link-value'), 'the link');
    const token = decodeURIComponent(new URL(linkField.value).hash.replace(/^#token=/, ''));
    expect((await nodeJson('POST', '/api/v1/auth/password', { token, password: 'alan reset 2026!' })).status).toBe(200);
    expect(await nodeSignIn(alan.email, 'alan reset 2026!')).toMatch(/^confab_session=/);
  });

  it('attack: an agent who reaches the screen is refused by the server and sees no teammate', async () => {
    const agent = await signInAs('agent');
    const target = show();
    const alert = await waitFor(() => target.querySelector('[role="alert"]'), 'the refusal');
    expect(alert.textContent!.length).toBeGreaterThan(0);
    expect(target.querySelector('tr[data-teammate]')).toBeNull();
    const reactivate = await fetch(`/api/v1/teammates/${agent.id}/reactivate`, { method: 'POST' });
    expect(reactivate.status).toBe(403);
  });
});
