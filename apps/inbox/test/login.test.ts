// The shell against a real server: signed out every route is the login page and nothing is
// fetched; the login form signs in through the API, the nav shows the teammate, and signing out
// ends the session on the server.
import { describe, expect, it, onTestFinished } from 'vitest';
import { navigate, route } from '../src/router.svelte';
import { session } from '../src/session.svelte';
import { byText, type, waitFor } from './dom';
import { closeInbox, openInbox } from './mount-inbox';
import { addTeammate, deactivate, streamAs } from './real-server';

async function signIn(email: string, password: string) {
  const form = await waitFor(() => document.querySelector<HTMLFormElement>('form.auth-card'), 'the login form');
  type(form.querySelector<HTMLInputElement>('#login-email')!, email);
  type(form.querySelector<HTMLInputElement>('#login-password')!, password);
  form.requestSubmit();
}

describe('the login page', () => {
  it('is what every route shows signed out, and nothing but /me is asked for', async () => {
    // Every request the page makes, watched on its way out (passed on unchanged).
    const asked: string[] = [];
    const pageFetch = window.fetch;
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      asked.push(`${init?.method ?? 'GET'} ${new URL(String(input), location.href).pathname}`);
      return pageFetch(input, init);
    };
    onTestFinished(() => {
      window.fetch = pageFetch;
    });
    for (const path of ['/inbox/', '/inbox/acme', '/inbox/settings', '/inbox/admin/teammates']) {
      openInbox(path);
      await waitFor(() => byText('h1', 'Sign in to Confab'), `the login page at ${path}`);
      expect(document.querySelector('main#main')).toBeNull();
      expect(document.querySelector('nav')).toBeNull();
      closeInbox();
    }
    expect(new Set(asked)).toEqual(new Set(['GET /api/v1/me']));
  });

  it('goes back to the login page when the session ends on the server (a 401 on any call)', async () => {
    const alan = await addTeammate({ role: 'agent', name: 'Alan Ended' });
    await streamAs(alan);
    openInbox('/inbox/login');
    await signIn(alan.email, alan.password);
    await waitFor(() => byText('.nav', 'Alan Ended'), 'the signed-in nav');
    await deactivate(alan.id);
    // The next call the inbox makes is refused: the app choice asks for the apps.
    navigate('/inbox/');
    await waitFor(() => byText('h1', 'Sign in to Confab'), 'the login page');
    expect(session.teammate).toBeNull();
    expect(document.querySelector('.nav')).toBeNull();
  });

  it('shows the server refusing a wrong password, and stays signed out', async () => {
    const ada = await addTeammate({ role: 'admin' });
    openInbox('/inbox/login');
    await signIn(ada.email, 'not-the-password-at-all');
    const alert = await waitFor(() => document.querySelector('[role="alert"]'), 'the error');
    expect(alert.textContent).toContain('do not match');
    expect(session.status).toBe('signed-out');
  });

  it('signs in through the API, lands on the route asked for, and signs out on the server', async () => {
    const ada = await addTeammate({ role: 'admin', name: 'Ada Lovelace' });
    await streamAs(ada);
    openInbox('/inbox/acme/conversations/c-1');
    await signIn(ada.email, ada.password);
    await waitFor(
      () => document.querySelector('section.list-pane[aria-label="Conversations"]'),
      'the conversations screen',
    );
    expect(route.current).toEqual({ name: 'conversations', appId: 'acme', conversationId: 'c-1' });
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
    openInbox('/inbox/admin/teammates');
    await signIn(alan.email, alan.password);
    await waitFor(() => byText('h1', 'Not allowed'), 'the refusal');
    expect(byText('.nav a', 'Teammates')).toBeUndefined();
    expect(document.querySelector('section.teammates')).toBeNull();
  });
});
