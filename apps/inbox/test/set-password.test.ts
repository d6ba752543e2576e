// The invitation link's page (/inbox/set-password#token=…) against the real server: the password
// is set through the link once, then signs in; a spent or missing token says so and sets nothing.
import { describe, expect, it } from 'vitest';
import { byText, type, waitFor } from './dom';
import { closeInbox, openInbox } from './mount-inbox';
import { inboxServer, invite, nodeFetch } from './real-server';

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
    openInbox(linkPath);
    await fill('a brand new password');
    await waitFor(() => byText('h1', 'Password set'), 'the confirmation');
    expect(location.hash).toBe('');
    expect(await canSignIn(email, 'a brand new password')).toBe(true);
  });

  it('checks the length and the repetition before sending anything', async () => {
    const { email, linkPath } = await invite({ role: 'agent' });
    openInbox(linkPath);
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
    openInbox(linkPath);
    await fill('the first password');
    await waitFor(() => byText('h1', 'Password set'), 'the confirmation');
    closeInbox();
    openInbox(linkPath);
    await fill('a second password');
    await waitFor(() => byText('[role="alert"]', 'used, expired or unknown'), 'the refusal');
    expect(await canSignIn(email, 'a second password')).toBe(false);
    expect(await canSignIn(email, 'the first password')).toBe(true);
  });

  it('says so when the address has no token', async () => {
    openInbox('/inbox/set-password');
    await waitFor(() => byText('[role="alert"]', 'no token'), 'the explanation');
    expect(document.querySelector('form')).toBeNull();
  });
});
