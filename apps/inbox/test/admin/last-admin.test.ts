// A server of its own with one admin (the shared test server has many): demoting the last admin
// is the server's refusal, shown as such, and the role menu goes back to the role they still have.
import { request } from 'node:http';
import { flushSync, mount, unmount } from 'svelte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestProject } from 'vitest/node';
import TeammatesScreen from '../../src/admin/TeammatesScreen.svelte';
import { session } from '../../src/session.svelte';
import { waitFor } from '../dom';
import startInboxServer from '../global-server';

let own: { url: string; admin: { email: string; password: string } } | undefined;
let stop: (() => Promise<void>) | undefined;

/** The setup's one call (setting the admin's password), from Node: the page's fetch would be cross-origin. */
function nodeFetch(url: string, init: { method: string; headers: Record<string, string>; body: string }) {
  return new Promise<{ status: number; text(): Promise<string> }>((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: response.statusCode!, text: async () => text });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

beforeAll(async () => {
  const pageFetch = globalThis.fetch;
  globalThis.fetch = nodeFetch as unknown as typeof fetch;
  try {
    stop = (await startInboxServer({
      provide: (_key: string, value: typeof own) => {
        own = value;
      },
    } as unknown as TestProject)) as () => Promise<void>;
  } finally {
    globalThis.fetch = pageFetch;
  }
}, 90_000);

afterAll(async () => {
  if (session.status === 'signed-in') await session.signOut().catch(() => {});
  await stop?.();
});

describe('the last admin', () => {
  it('cannot be demoted: the refusal is shown and the menu keeps "admin"', async () => {
    const { url, admin } = own!;
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${url}/inbox/admin/teammates`);
    const me = await session.signIn(admin.email, admin.password);
    const target = document.createElement('div');
    document.body.append(target);
    const screen = mount(TeammatesScreen, { target });
    try {
      flushSync();
      const select = await waitFor(
        () => target.querySelector<HTMLSelectElement>(`tr[data-teammate="${me.id}"] select`),
        'the admin’s row',
      );
      expect(select.value).toBe('admin');
      select.value = 'agent';
      select.dispatchEvent(new Event('change', { bubbles: true }));
      const alert = await waitFor(() => target.querySelector('[role="alert"]'), 'the refusal');
      expect(alert.textContent).toContain('last active admin');
      await waitFor(() => select.value === 'admin', 'the menu back on admin');
      const stored = await fetch('/api/v1/me').then((answer) => answer.json());
      expect(stored.teammate.role).toBe('admin');
      expect(session.teammate?.role).toBe('admin');
    } finally {
      unmount(screen);
      target.remove();
    }
  });
});
