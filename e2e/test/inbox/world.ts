// One world for the inbox's browser tests: a real server (serving /inbox, the team API and the
// widget script), a site a visitor is on, Chromium, teammates seeded as they come to be, and each
// teammate's own browser context signed in through the login page.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../browser';
import { type Confab, startConfab } from '../confab';
import { type Site, startSite } from '../site';
import { avatarUrl, serveAvatars } from './avatars';
import { ensureInboxBuilt, INBOX_BUILD } from './build-inbox';
import { type ContextWatch, watchContext } from './page-watch';
import { logIn } from './screens';

export interface SeededTeammate {
  id: string;
  name: string;
  email: string;
  password: string;
  role: 'admin' | 'agent';
  avatar_url: string;
  /** The app's team API with the teammate's own API token. */
  team: Confab['team'];
}

export interface TeammateBrowser {
  context: BrowserContext;
  page: Page;
  watch: ContextWatch;
}

export interface InboxWorld {
  confab: Confab;
  site: Site;
  browser: Browser;
  /** `<server>/inbox<path>` */
  inboxUrl(path?: string): string;
  seedTeammate(profile: {
    name: string;
    email: string;
    role: 'admin' | 'agent';
    avatar_url?: string;
  }): Promise<SeededTeammate>;
  /** A fresh browser context (a teammate's own browser), watched, on no page yet. */
  newBrowser(viewport?: { width: number; height: number }): Promise<TeammateBrowser>;
  /** A fresh browser context signed in as the teammate through /inbox/login. */
  signedIn(teammate: SeededTeammate, viewport?: { width: number; height: number }): Promise<TeammateBrowser>;
  close(): Promise<void>;
}

/** `buildInbox: false` only for checking the harness itself, before the inbox exists. */
export async function startInboxWorld(options: { buildInbox?: boolean } = {}): Promise<InboxWorld> {
  if (options.buildInbox !== false) ensureInboxBuilt();
  // The server serves a copy: another test that rebuilds the inbox meanwhile (its build empties
  // the folder first) cannot pull the files from under this one.
  const inboxCopy = mkdtempSync(join(tmpdir(), 'confab-e2e-inbox-'));
  if (existsSync(INBOX_BUILD)) cpSync(INBOX_BUILD, inboxCopy, { recursive: true });
  const site = await startSite();
  const confab = await startConfab([site.url], { inbox: inboxCopy });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const inboxUrl = (path = '') => `${confab.url}/inbox${path}`;

  async function newBrowser(viewport = { width: 1280, height: 800 }): Promise<TeammateBrowser> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const watch = await watchContext(context);
    await serveAvatars(context);
    const page = await context.newPage();
    return { context, page, watch };
  }

  return {
    confab,
    site,
    browser,
    inboxUrl,
    async seedTeammate(profile) {
      const avatar_url = profile.avatar_url ?? avatarUrl(profile.name);
      // An agent as e2e's other tests make one (invite, password link, avatar on their profile,
      // own API token); then the role asked for, and a password this test knows, set through a
      // fresh link as a reset would.
      const added = await confab.addTeammate({ name: profile.name, email: profile.email, avatar_url });
      if (profile.role !== 'agent')
        await confab.server.store.updateTeammate(added.id, { role: profile.role }, Date.now());
      const link = await confab.server.store.createPasswordLink(added.id, Date.now());
      const password = `e2e password of ${profile.email}`;
      const response = await fetch(`${confab.url}/api/v1/auth/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: link!.token, password }),
      });
      if (!response.ok) throw new Error(`setting ${profile.email}'s password: ${response.status}`);
      return {
        id: added.id,
        name: profile.name,
        email: profile.email,
        password,
        role: profile.role,
        avatar_url,
        team: added.team,
      };
    },
    newBrowser,
    async signedIn(teammate, viewport) {
      const opened = await newBrowser(viewport);
      await logIn(opened.page, inboxUrl(), teammate);
      return opened;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser?.close();
      await confab?.stop();
      await site?.close();
      rmSync(inboxCopy, { recursive: true, force: true });
    },
  };
}
