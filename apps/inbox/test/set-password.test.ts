// The invitation link's page (/inbox/set-password#token=…) against the real server: the password
// is set through the link once, then signs in; a spent or missing token says so and sets nothing.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../src/App.svelte';
import { navigate } from '../src/router.svelte';
import { session } from '../src/session.svelte';
import { byText, type, waitFor } from './dom';
import { inboxServer, invite, nodeFetch, openPage } from './real-server';

let app: ReturnType<typeof mount> | undefined;
afterEach(async () => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
  if (session.status === 'signed-in') await session.signOut().catch(() => {});
});

function start(path: string) {
  openPage(path);
  navigate(path, { replace: true });
  const target = document.createElement('div');
  document.body.append(target);
  app = mount(App, { target });
  flushSync();
}

async function fill(password: string, repeated = password) {
  const form = await waitFor(() => document.querySelector<HTMLFormElement>('form.auth-card'), 'the form');
  type(form.querySelector<HTMLInputElement>('#new-password')!, password);
  type(form.querySelector<HTMLInputElement>('#repeat-password')!, repeated);
  form.requestSubmit();
}

async function canSignIn(email: string, password: string): Promise<boolean> {
  const answer = await nodeFetch(`${inboxServer().url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return answer.status === 200;
}

describe('the set-password page', () => {
  it('sets the password through the link, drops the token from the address, and the teammate signs in', async () => {
    const { email, linkPath } = await invite({ role: 'agent' });
    start(linkPath);
    await fill('a brand new password');
    await waitFor(() => byText('h1', 'Password set'), 'the confirmation');
    expect(location.hash).toBe('');
    expect(await canSignIn(email, 'a brand new password')).toBe(true);
  });

  it('checks the length and the repetition before sending anything', async () => {
    const { email, linkPath } = await invite({ role: 'agent' });
    start(linkPath);
    await fill('too short');
    expect((await waitFor(() => document.querySelector('[role="alert"]'), 'the error')).textContent).toContain(
      '12 characters',
    );
    await fill('long enough password', 'a different password');
    await waitFor(() => byText('[role="alert"]', 'differ'), 'the mismatch');
    // The link is still live: nothing was sent.
    await fill('long enough password');
    await waitFor(() => byText('h1', 'Password set'), 'the confirmation');
    expect(await canSignIn(email, 'long enough password')).toBe(true);
  });

  it('says a spent link is spent, and sets nothing', async () => {
    const { email, linkPath } = await invite({ role: 'agent' });
    start(linkPath);
    await fill('the first password');
    await waitFor(() => byText('h1', 'Password set'), 'the confirmation');
    unmount(app!);
    app = undefined;
    document.body.innerHTML = '';
    start(linkPath);
    await fill('a second password');
    await waitFor(() => byText('[role="alert"]', 'used, expired or unknown'), 'the refusal');
    expect(await canSignIn(email, 'a second password')).toBe(false);
    expect(await canSignIn(email, 'the first password')).toBe(true);
  });

  it('says so when the address has no token', async () => {
    start('/inbox/set-password');
    await waitFor(() => byText('[role="alert"]', 'no token'), 'the explanation');
    expect(document.querySelector('form')).toBeNull();
  });
});
