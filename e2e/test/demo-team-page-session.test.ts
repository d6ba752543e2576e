// The demo's old team page (apps/demo/public/team.*) without a token in its URL: signed in to the
// inbox, it answers as that teammate (the session cookie); signed out, it says to sign in, and
// shows nothing of the conversations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../apps/demo/src/demo';
import { launchChromium } from './browser';

let folder: string;
let demo: RunningDemo;
let browser: Browser;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'confab-demo-team-session-'));
  demo = await startDemo({ port: 0, db: join(folder, 'demo.sqlite'), logger: false });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function visitorWrites(body: string): Promise<void> {
  const base = `${demo.apiBase}/messenger/v1/apps/demo`;
  const booted = await fetch(`${base}/boot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      app_id: 'demo',
      visitor_id: `v-${Date.now()}`,
      device_id: 'd-1',
      identity: {},
      attributes: {},
    }),
  });
  const token = ((await booted.json()) as { session: { token: string } }).session.token;
  const started = await fetch(`${base}/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ body, client_id: `c-${Date.now()}` }),
  });
  expect(started.ok).toBe(true);
}

describe('the team page without a token', () => {
  it('says to sign in to the inbox while signed out, and lists nothing', async () => {
    await visitorWrites('A secret question');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${demo.apiBase}/team.html`);
    await expect.poll(() => page.textContent('#notice-title')).toBe('Sign in to the inbox first');
    expect(await page.isHidden('#inbox')).toBe(true);
    expect(await page.textContent('body')).not.toContain('A secret question');
    await context.close();
  });

  it('answers as the teammate signed in to the inbox', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Signed in as the inbox does it: the login form posts from the page's own origin.
    await page.goto(`${demo.apiBase}/team.html`);
    const status = await page.evaluate(
      async ({ email, password }) =>
        (
          await fetch('/api/v1/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password }),
          })
        ).status,
      { email: demo.admin.email, password: demo.admin.password! },
    );
    expect(status).toBe(200);
    await visitorWrites('Hello from the site');
    await page.reload();
    await expect.poll(() => page.textContent('#conversations'), { timeout: 10_000 }).toContain('Hello from the site');
    expect(await page.isHidden('#notice')).toBe(true);
    expect(page.url()).toBe(`${demo.apiBase}/team.html`);
    await context.close();
  });
});
