// The shell against a real server: signed out every route is the login page and nothing is
// fetched; the login form signs in through the API, the nav shows the teammate, and signing out
// ends the session on the server.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../src/App.svelte';
import { navigate } from '../src/router.svelte';
import { session } from '../src/session.svelte';
import { byText, type, waitFor } from './dom';
import { addTeammate, openPage } from './real-server';

let app: ReturnType<typeof mount> | undefined;
afterEach(async () => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
  if (session.status === 'signed-in') await session.signOut().catch(() => {});
  localStorage.clear();
});

function start(path: string) {
  openPage(path);
  navigate(path, { replace: true });
  const target = document.createElement('div');
  document.body.append(target);
  app = mount(App, { target });
  flushSync();
}

async function signIn(email: string, password: string) {
  const form = await waitFor(() => document.querySelector<HTMLFormElement>('form.auth-card'), 'the login form');
  type(form.querySelector<HTMLInputElement>('#login-email')!, email);
  type(form.querySelector<HTMLInputElement>('#login-password')!, password);
  form.requestSubmit();
}

describe('the login page', () => {
  it('is what every route shows signed out', async () => {
    for (const path of ['/inbox/', '/inbox/acme', '/inbox/settings', '/inbox/admin/teammates']) {
      start(path);
      await waitFor(() => byText('h1', 'Sign in to Confab'), `the login page at ${path}`);
      expect(document.querySelector('[data-placeholder]')).toBeNull();
      expect(document.querySelector('nav')).toBeNull();
      unmount(app!);
      app = undefined;
      document.body.innerHTML = '';
    }
  });

  it('shows the server refusing a wrong password, and stays signed out', async () => {
    const ada = await addTeammate({ role: 'admin' });
    start('/inbox/login');
    await signIn(ada.email, 'not-the-password-at-all');
    const alert = await waitFor(() => document.querySelector('[role="alert"]'), 'the error');
    expect(alert.textContent).toContain('do not match');
    expect(session.status).toBe('signed-out');
  });

  it('signs in through the API, lands on the route asked for, and signs out on the server', async () => {
    const ada = await addTeammate({ role: 'admin', name: 'Ada Lovelace' });
    start('/inbox/acme/conversations/c-1');
    await signIn(ada.email, ada.password);
    const placeholder = await waitFor(
      () => document.querySelector('[data-placeholder="conversations"]'),
      'the conversations screen',
    );
    expect(placeholder.textContent).toContain('acme');
    expect(placeholder.textContent).toContain('c-1');
    expect(byText('.nav', 'Ada Lovelace')).toBeDefined();
    expect(byText('.nav a', 'Teammates')).toBeDefined();

    // The cookie the server set is what /me answers to.
    const me = await fetch('/api/v1/me', { credentials: 'same-origin' });
    expect(me.status).toBe(200);

    byText('.nav button', 'Sign out')!.click();
    await waitFor(() => byText('h1', 'Sign in to Confab'), 'the login page after signing out');
    const after = await fetch('/api/v1/me', { credentials: 'same-origin' });
    expect(after.status).toBe(401);
  });

  it('shows an agent no admin links, and "not allowed" on an admin route', async () => {
    const alan = await addTeammate({ role: 'agent', apps: ['acme'] });
    start('/inbox/admin/teammates');
    await signIn(alan.email, alan.password);
    await waitFor(() => byText('h1', 'Not allowed'), 'the refusal');
    expect(byText('.nav a', 'Teammates')).toBeUndefined();
    expect(document.querySelector('[data-placeholder="teammates"]')).toBeNull();
  });
});
