// The teammate's own settings against a real server: profile, password change, sessions (another
// browser's ended from here) and API tokens (the secret shown once, working, then revoked).
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { session } from '../../src/session.svelte';
import SettingsScreen from '../../src/settings/SettingsScreen.svelte';
import { nodeJson, nodeSignIn } from '../contact/node-http';
import { byText, type, waitFor } from '../dom';
import { addTeammate, type MadeTeammate, openPage } from '../real-server';

let screen: ReturnType<typeof mount> | undefined;
let me: MadeTeammate;

beforeEach(async () => {
  me = await addTeammate({ role: 'agent', apps: ['acme', 'beta'], name: 'Grace Hopper' });
  openPage('/inbox/settings');
  await session.signIn(me.email, me.password);
});

afterEach(async () => {
  if (screen) unmount(screen);
  screen = undefined;
  document.body.innerHTML = '';
  if (session.status === 'signed-in') await session.signOut().catch(() => {});
});

function show() {
  const target = document.createElement('div');
  document.body.append(target);
  screen = mount(SettingsScreen, { target });
  flushSync();
  return target;
}

const input = (selector: string) => document.querySelector<HTMLInputElement>(selector)!;
const formOf = (selector: string) => input(selector).closest('form')!;

describe('settings', () => {
  it('profile: a new name and picture are saved on the server and shown at once; a non-http picture is refused here', async () => {
    show();
    type(input('#profile-name'), 'Grace B. Hopper');
    type(input('#profile-avatar'), 'javascript:alert(1)');
    flushSync();
    expect(byText('#profile-avatar-hint', 'http(s)')).toBeDefined();
    expect(formOf('#profile-name').querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled).toBe(true);

    type(input('#profile-avatar'), 'https://images.example/grace.png');
    flushSync();
    formOf('#profile-name').requestSubmit();
    await waitFor(() => byText('[role="status"]', 'Saved'), 'saved');
    expect(session.teammate?.name).toBe('Grace B. Hopper');
    const stored = await fetch('/api/v1/me').then((r) => r.json());
    expect(stored.teammate).toMatchObject({ name: 'Grace B. Hopper', avatar_url: 'https://images.example/grace.png' });

    type(input('#profile-avatar'), '');
    flushSync();
    formOf('#profile-name').requestSubmit();
    await waitFor(() => session.teammate?.avatar_url === undefined, 'the picture removed');
  });

  it('password: a wrong current password is the server’s refusal; the right one changes it and ends other sessions', async () => {
    const elsewhere = await nodeSignIn(me.email, me.password);
    show();
    type(input('#password-current'), 'not my password at all');
    type(input('#password-new'), 'short');
    flushSync();
    expect(byText('[role="alert"]', 'at least 12')).toBeDefined();

    type(input('#password-new'), 'a new password 2026');
    type(input('#password-again'), 'a new password 2026');
    flushSync();
    formOf('#password-current').requestSubmit();
    const refusal = await waitFor(() => byText('[role="alert"]', 'password'), 'the refusal');
    expect(refusal.textContent!.toLowerCase()).toContain('current');
    expect(session.status).toBe('signed-in');

    type(input('#password-current'), me.password);
    flushSync();
    formOf('#password-current').requestSubmit();
    await waitFor(() => byText('[role="status"]', 'Password changed'), 'the change');
    expect((await nodeJson('GET', '/api/v1/me', undefined, undefined, { cookie: elsewhere })).status).toBe(401);
    expect((await fetch('/api/v1/me')).status).toBe(200);
    expect(
      (await nodeJson('POST', '/api/v1/auth/login', { email: me.email, password: 'a new password 2026' })).status,
    ).toBe(200);
  });

  it('sessions: this browser is marked and cannot be ended here; another browser’s session is ended on the server', async () => {
    const elsewhere = await nodeSignIn(me.email, me.password, 'Firefox <script>window.__xss=1</script>');
    const target = show();
    const rows = await waitFor(() => {
      const found = target.querySelectorAll('tr[data-session]');
      return found.length >= 2 ? [...found] : undefined;
    }, 'both sessions');
    const current = rows.filter((row) => row.textContent!.includes('This browser'));
    expect(current).toHaveLength(1);
    expect(current[0]!.querySelector('button')).toBeNull();
    const other = rows.find((row) => row.textContent!.includes('Firefox'))!;
    expect(other.querySelector('.session-agent')!.textContent).toBe('Firefox <script>window.__xss=1</script>');
    expect(target.querySelector('script')).toBeNull();

    other.querySelector<HTMLButtonElement>('button')!.click();
    await waitFor(() => !target.textContent!.includes('Firefox'), 'the row gone');
    expect((await nodeJson('GET', '/api/v1/me', undefined, undefined, { cookie: elsewhere })).status).toBe(401);
    expect((await fetch('/api/v1/me')).status).toBe(200);
  });

  it('API tokens: the secret is shown once and works for its apps only; revoked, it is refused', async () => {
    const target = show();
    await waitFor(() => byText('p', 'No tokens yet'), 'the empty list');
    type(input('#token-name'), 'Reporting <b>script</b>');
    type(input('#token-apps'), 'acme');
    flushSync();
    formOf('#token-name').requestSubmit();
    const secretField = await waitFor(() => target.querySelector<HTMLInputElement>('.secret-value'), 'the secret');
    const secret = secretField.value;
    expect(secret).toMatch(/^confab_/);
    expect(target.querySelector('.secret strong')!.textContent).toBe('Reporting <b>script</b>');
    expect(target.querySelector('b')).toBeNull();

    expect((await nodeJson('GET', '/api/v1/apps/acme/conversations', undefined, secret)).status).toBe(200);
    expect((await nodeJson('GET', '/api/v1/apps/beta/conversations', undefined, secret)).status).toBe(403);

    byText('button', 'Done')!.click();
    flushSync();
    expect(target.querySelector('.secret-value')).toBeNull();
    expect(target.innerHTML).not.toContain(secret);
    const row = target.querySelector('tr[data-token]')!;
    expect(row.textContent).toContain('Reporting <b>script</b>');

    row.querySelector<HTMLButtonElement>('button')!.click();
    await waitFor(() => byText('tr[data-token] span', 'Revoked'), 'revoked');
    expect((await nodeJson('GET', '/api/v1/apps/acme/conversations', undefined, secret)).status).toBe(401);
  });

  it('API tokens: apps beyond the teammate’s are the server’s refusal, naming no token', async () => {
    const target = show();
    await waitFor(() => byText('p', 'No tokens yet'), 'the empty list');
    type(input('#token-name'), 'Too wide');
    type(input('#token-apps'), 'acme, gamma');
    flushSync();
    formOf('#token-name').requestSubmit();
    const alert = await waitFor(
      () => byText('[role="alert"]', 'gamma') ?? byText('[role="alert"]', 'apps'),
      'the refusal',
    );
    expect(alert).toBeDefined();
    expect(target.querySelector('.secret-value')).toBeNull();
    expect((await fetch('/api/v1/me/tokens').then((r) => r.json())).tokens).toEqual([]);
  });
});
