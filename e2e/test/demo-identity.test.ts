// The demo's site page (apps/demo/public) in real Chromium against the demo's real server, which
// runs with a secret: the page boots a user with an intercom_user_jwt, then with a user_hash, both
// signed by the demo's stand-in site backend; a user with no proof is refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../apps/demo/src/demo';
import { launchChromium } from './browser';

let folder: string;
let demo: RunningDemo;
let browser: Browser;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'confab-demo-identity-'));
  demo = await startDemo({ port: 0, db: join(folder, 'demo.sqlite'), logger: false });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function contacts(
  query: string,
): Promise<Array<{ user_id?: string; email?: string; name?: string; email_verified: boolean }>> {
  const response = await fetch(`${demo.apiBase}/api/v1/apps/demo/contacts?${query}`, {
    headers: { authorization: `Bearer ${demo.teamToken}` },
  });
  return ((await response.json()) as { contacts: never[] }).contacts;
}

async function bootFromForm(page: Page, fields: { user_id: string; email: string; name: string; proof: string }) {
  await page.check('#boot-form input[name="kind"][value="user"]');
  await page.fill('#boot-form input[name="user_id"]', fields.user_id);
  await page.fill('#boot-form input[name="email"]', fields.email);
  await page.fill('#boot-form input[name="name"]', fields.name);
  await page.check(`#boot-form input[name="proof"][value="${fields.proof}"]`);
  await page.click('#boot-form button[type="submit"]');
}

describe('the demo site page, on a server with a secret', () => {
  it('boots a user by intercom_user_jwt, then another by user_hash; a user with no proof gets the 401 warning', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await page.goto(demo.siteUrl);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { Intercom: { booted?: boolean } }).Intercom.booted))
      .toBe(true);

    await bootFromForm(page, { user_id: 'e2e-jwt', email: 'jay@example.com', name: 'Jay', proof: 'intercom_user_jwt' });
    await expect
      .poll(() => contacts('user_id=e2e-jwt'))
      .toEqual([expect.objectContaining({ email: 'jay@example.com', name: 'Jay', email_verified: true })]);

    // Booting as someone else is a shutdown then a boot; the user_hash signs the user_id only.
    await bootFromForm(page, { user_id: 'e2e-hash', email: 'hal@example.com', name: 'Hal', proof: 'user_hash' });
    await expect
      .poll(() => contacts('user_id=e2e-hash'))
      .toEqual([expect.objectContaining({ email: 'hal@example.com', name: 'Hal', email_verified: false })]);

    await bootFromForm(page, { user_id: 'e2e-none', email: '', name: 'Nobody', proof: 'none' });
    await expect
      .poll(() =>
        warnings.some((w) => /\[Confab\] Intercom\('boot'\) failed \(401\): identity verification is on/.test(w)),
      )
      .toBe(true);
    expect(await contacts('user_id=e2e-none')).toEqual([]);
    await context.close();
  });
});
