// Who may see what in the inbox: logged out there is the login page and no data (every route,
// nothing of the API answered but refusals); an agent sees no admin screen, and the server
// refuses the same calls made from the agent's signed-in page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationList, showsLogin } from './inbox/screens';
import { screenshot } from './inbox/screenshot';
import { type InboxWorld, type SeededTeammate, startInboxWorld } from './inbox/world';

let world: InboxWorld;
let admin: SeededTeammate;

beforeAll(async () => {
  world = await startInboxWorld();
  admin = await world.seedTeammate({ name: 'Ann Admin', email: 'ann@acme.test', role: 'admin' });
});
afterAll(async () => {
  await world?.close();
});

describe('logged out', () => {
  it('every route shows the login page and no data: no answer of the API but a refusal', async () => {
    const { page, watch } = await world.newBrowser();
    const answered: string[] = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/api/') && response.status() < 400) answered.push(`${response.status()} ${path}`);
    });
    for (const path of [
      '',
      '/',
      '/acme',
      '/acme/conversations/c_1',
      '/settings',
      '/admin/teammates',
      '/admin/saved-replies',
    ]) {
      const response = await page.goto(world.inboxUrl(path));
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      await expect.poll(() => showsLogin(page)).toBe(true);
      expect(await conversationList(page).count()).toBe(0);
    }
    expect(answered).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(watch.csp).toEqual([]);
  });
});

describe('an agent', () => {
  it('sees no admin screen, and the server refuses their admin calls', async () => {
    const agent = await world.seedTeammate({ name: 'Ben Agent', email: 'ben@acme.test', role: 'agent' });
    const { page, watch } = await world.signedIn(agent);
    await page.goto(world.inboxUrl('/acme'));
    await expect.poll(() => showsLogin(page)).toBe(false);
    expect(await page.getByRole('link', { name: /teammates|saved replies|admin/i }).count()).toBe(0);

    for (const path of ['/admin/teammates', '/admin/saved-replies']) {
      await page.goto(world.inboxUrl(path));
      await expect.poll(() => page.getByText(/not allowed/i).count()).toBeGreaterThan(0);
      // Nothing of the admins' data: not the other teammates' addresses.
      expect(await page.getByText(admin.email).count()).toBe(0);
    }
    await screenshot(page, 'agent-not-allowed');

    // The same calls from the agent's signed-in page: refused by the server, not only hidden.
    const statuses = await page.evaluate(async () => {
      const send = (method: string, path: string, body?: unknown) =>
        fetch(path, {
          method,
          credentials: 'same-origin',
          headers: body ? { 'content-type': 'application/json' } : {},
          body: body ? JSON.stringify(body) : undefined,
        }).then((response) => response.status);
      return [
        await send('GET', '/api/v1/teammates'),
        await send('POST', '/api/v1/teammates', { email: 'eve@acme.test', name: 'Eve', role: 'admin', apps: ['*'] }),
        await send('POST', '/api/v1/apps/acme/saved_replies', { title: 'Hi', body: 'Hello' }),
      ];
    });
    expect(statuses).toEqual([403, 403, 403]);
    expect(watch.errors).toEqual([]);
    expect(watch.csp).toEqual([]);
  });
});
