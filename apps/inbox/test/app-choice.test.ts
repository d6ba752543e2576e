// The app choice against the real server: an admin of every app is offered the apps that hold
// contacts (GET /api/v1/apps); a teammate of one app goes straight to it.
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { route } from '../src/router.svelte';
import { type, waitFor } from './dom';
import { openInbox } from './mount-inbox';
import { addTeammate, streamAs, visitorWrites } from './real-server';

async function signInAt(path: string, teammate: { email: string; password: string }) {
  await streamAs(teammate);
  openInbox(path);
  const form = await waitFor(() => document.querySelector<HTMLFormElement>('form.auth-card'), 'the login form');
  type(form.querySelector<HTMLInputElement>('#login-email')!, teammate.email);
  type(form.querySelector<HTMLInputElement>('#login-password')!, teammate.password);
  form.requestSubmit();
}

describe('the app choice', () => {
  it('offers an admin of every app the apps holding contacts, and opens the one picked', async () => {
    await visitorWrites('choice-beta', 'hello');
    await visitorWrites('choice-alpha', 'hello');
    const ada = await addTeammate({ role: 'admin' });
    await signInAt('/inbox/', ada);
    const list = await waitFor(() => {
      const items = [...document.querySelectorAll('.app-list .app-id')].map((item) => item.textContent);
      return items.includes('choice-alpha') && items.includes('choice-beta') ? items : undefined;
    }, 'the listed apps');
    expect(list.indexOf('choice-alpha')).toBeLessThan(list.indexOf('choice-beta'));
    const link = [...document.querySelectorAll<HTMLAnchorElement>('.app-list a.app-link')].find((a) =>
      a.textContent?.includes('choice-beta'),
    )!;
    link.click();
    flushSync();
    expect(route.current).toEqual({ name: 'conversations', appId: 'choice-beta' });
    await waitFor(
      () => document.querySelector('section.list-pane[aria-label="Conversations"]'),
      'the conversations screen',
    );
    // Remembered: the nav links to it from anywhere, and it is listed first next time.
    expect(localStorage.getItem('confab.inbox.last-app')).toBe('choice-beta');
  });

  it('sends a teammate of one app straight to it', async () => {
    const alan = await addTeammate({ role: 'agent', apps: ['only-app'] });
    await signInAt('/inbox/', alan);
    await waitFor(
      () => document.querySelector('section.list-pane[aria-label="Conversations"]'),
      'the conversations screen',
    );
    expect(route.current).toEqual({ name: 'conversations', appId: 'only-app' });
  });
});
