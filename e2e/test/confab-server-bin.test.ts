// `confab-server` as an operator runs it: the package's bin from its build, in a folder of its own,
// serving the widget that a page on another origin loads (pinned with its printed integrity, and
// through Intercom's snippet) and boots against it in Chromium; SIGTERM ends it with code 0. Then
// its SQLite file's life: a visitor's conversation, `confab-server backup` while it runs, a
// restart on the same file, and a restore from the backup as docs/production.md tells.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser';
import { loaderSnippet, type Site, startSite } from './site';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repoRoot, 'packages', 'server', 'bin', 'confab-server.js');
const TEAM_TOKEN = 'e2e-operator-team-token-0123456789';

/** Newest modification time of the files under `path`. */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const serverPackage = join(repoRoot, 'packages', 'server');

/**
 * The server's build, made with its package's build when it is missing or older than what it is
 * made of (its sources and core's, which it bundles). `npm test` has built every package already;
 * the widget is built by this project's global setup.
 */
function ensureServerBuilt() {
  const inputs = [
    join(serverPackage, 'src'),
    join(serverPackage, 'package.json'),
    join(serverPackage, 'tsup.config.ts'),
    join(repoRoot, 'packages', 'core', 'src'),
  ];
  try {
    if (statSync(join(serverPackage, 'dist', 'command-line.js')).mtimeMs >= Math.max(...inputs.map(newest))) return;
  } catch {
    // not built
  }
  const build = spawnSync('pnpm', ['--filter', '@confab/server', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0)
    throw new Error(`pnpm --filter @confab/server build failed:\n${build.stdout}\n${build.stderr}`);
}

interface RunningBin {
  child: ChildProcess;
  url: string;
  hashedUrl: string;
  integrity: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** The bin in a fresh folder (as its working directory) with only PATH and HOME from this environment. */
function startBin(folder: string, args: string[]): Promise<RunningBin> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: folder,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`confab-server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      const pinned = /pinned widget script (http:\/\/\S+) integrity (sha384-[A-Za-z0-9+/=]+)/.exec(output);
      if (url && pinned) {
        clearTimeout(timer);
        resolve({ child, url, hashedUrl: pinned[1]!, integrity: pinned[2]!, output: () => output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`confab-server exited (${code}):\n${output}`)));
  });
}

/** A maintenance command of the built bin (`backup`, `migrate`), run to its end in `folder`. */
function runBin(folder: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: folder,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const folder = mkdtempSync(join(tmpdir(), 'confab-operator-'));
const DATABASE = 'confab.sqlite';
const BACKUP = 'backup.sqlite';
let browser: Browser;
let site: Site;
let server: RunningBin;

/** The server on the test's database; `port` 0 the first time, then the same port again, as a restarted service. */
const startServer = (port: string) =>
  startBin(folder, ['--port', port, '--db', DATABASE, '--team-token', TEAM_TOKEN, '--cors-origin', site.url]);

beforeAll(async () => {
  ensureServerBuilt();
  site = await startSite();
  server = await startServer('0');
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGKILL');
  await site?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function team<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
  const response = await fetch(`${server.url}/api/v1/apps/acme${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TEAM_TOKEN}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body && JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function contactsNamed(userId: string): Promise<Array<{ id: string }>> {
  return (await team<{ contacts: Array<{ id: string }> }>('GET', `/contacts?user_id=${userId}`)).contacts;
}

/** Each conversation of the user (by the team API), as its messages' authors and bodies. */
async function conversationsOf(userId: string): Promise<Array<{ id: string; messages: string[] }>> {
  const [contact] = await contactsNamed(userId);
  if (!contact) return [];
  const { conversations } = await team<{ conversations: Array<{ id: string; contact: { id: string } }> }>(
    'GET',
    '/conversations',
  );
  return Promise.all(
    conversations
      .filter((conversation) => conversation.contact.id === contact.id)
      .map(async ({ id }) => {
        const thread = await team<{ thread: Array<{ body: string; author: string }> }>('GET', `/conversations/${id}`);
        return { id, messages: thread.thread.map((message) => `${message.author}: ${message.body}`) };
      }),
  );
}

async function open(html: string): Promise<{ page: Page; errors: string[]; scriptEncodings: string[] }> {
  site.page({ html });
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  const scriptEncodings: string[] = [];
  // The site has no favicon: the browser's request for it is no error of the page's.
  page.on(
    'console',
    (message) =>
      message.type() === 'error' && !message.location().url.endsWith('/favicon.ico') && errors.push(message.text()),
  );
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    if (/\/confab(\.[0-9a-f]{16})?\.js$/.test(response.url()))
      scriptEncodings.push(response.headers()['content-encoding'] ?? 'identity');
  });
  await page.goto(site.url);
  return { page, errors, scriptEncodings };
}

const launcher = (page: Page) => page.locator('[data-part="launcher"]');
const part = (page: Page, name: string) => page.locator(`[data-part="${name}"]`);

/** What the visitor sees of their conversation after loading the page again: the messenger's recent one. */
async function threadAfterReload(page: Page): Promise<string[]> {
  await page.reload();
  await expect.poll(() => launcher(page).isVisible()).toBe(true);
  await launcher(page).click();
  await page.locator('[data-action="recent"]').click();
  await expect.poll(() => part(page, 'message').count()).toBeGreaterThan(0);
  return part(page, 'message').allTextContents();
}

async function stop(running: RunningBin): Promise<number | null> {
  running.child.kill('SIGTERM');
  return running.exited;
}

const VISITOR_ASKS = 'Is my order 1042 on its way?';
const TEAM_ANSWERS = 'It left the warehouse this morning.';
const AFTER_BACKUP = 'Written after the backup was taken.';
/** The visitor of the database tests: their page stays open across the restarts. */
let visitor: Page;

describe('confab-server from its build', () => {
  it("needs no build of core: the server's build bundles what it uses of it", () => {
    const built = readdirSync(join(serverPackage, 'dist')).filter((name) => /\.(c?js)$/.test(name));
    expect(built.length).toBeGreaterThan(0);
    for (const name of built)
      expect({
        name,
        importsCore: /(from|require\(|import\()\s*["']@confab\/core/.test(
          readFileSync(join(serverPackage, 'dist', name), 'utf8'),
        ),
      }).toEqual({ name, importsCore: false });
  });

  it('pnpm exec confab-server runs the built bin; its --help names the pinned script', () => {
    const help = spawnSync('pnpm', ['exec', 'confab-server', '--help'], { cwd: repoRoot, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: confab-server \[options\]/);
    expect(help.stdout).toContain(
      `The widget built now: ${new URL(server.hashedUrl).pathname} integrity ${server.integrity}`,
    );
  });

  it('a page on another origin loads the pinned script with its printed integrity and boots', async () => {
    expect(server.hashedUrl.startsWith(`${server.url}/confab.`)).toBe(true);
    const { page, errors, scriptEncodings } = await open(`<!doctype html><title>shop</title>
<script>window.intercomSettings = { app_id: 'acme', user_id: 'grace', name: 'Grace' };</script>
<script src="${server.hashedUrl}" integrity="${server.integrity}" crossorigin="anonymous"></script>`);
    await expect.poll(() => launcher(page).isVisible()).toBe(true);
    await expect.poll(() => contactsNamed('grace')).toHaveLength(1);
    expect(scriptEncodings).toHaveLength(1);
    expect(['br', 'gzip']).toContain(scriptEncodings[0]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("Intercom's snippet loads /confab.js from the server and boots", async () => {
    const { page, errors } = await open(`<!doctype html><title>shop</title>
<script>window.intercomSettings = { app_id: 'acme', user_id: 'hopper' };${loaderSnippet(`${server.url}/confab.js`)}</script>`);
    await expect.poll(() => launcher(page).isVisible()).toBe(true);
    await expect.poll(() => contactsNamed('hopper')).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a script whose bytes do not match the integrity is not run', async () => {
    const forged = `sha384-${Buffer.alloc(48).toString('base64')}`;
    const { page, errors } = await open(`<!doctype html><title>shop</title>
<script>window.intercomSettings = { app_id: 'acme', user_id: 'mallory' };</script>
<script src="${server.hashedUrl}" integrity="${forged}" crossorigin="anonymous"></script>`);
    await expect.poll(() => errors.join('\n')).toMatch(/integrity/);
    expect(await page.evaluate(() => typeof (window as unknown as { Intercom?: unknown }).Intercom)).toBe('undefined');
    expect(await contactsNamed('mallory')).toEqual([]);
    await page.context().close();
  });

  it('a visitor writes, the team answers, and `confab-server backup` copies the database while the server runs', async () => {
    ({ page: visitor } = await open(`<!doctype html><title>shop</title>
<script>window.intercomSettings = { app_id: 'acme', user_id: 'lovelace', name: 'Ada' };${loaderSnippet(`${server.url}/confab.js`)}</script>`));
    await expect.poll(() => launcher(visitor).isVisible()).toBe(true);
    await launcher(visitor).click();
    await visitor.locator('[data-action="new-message"]').first().click();
    await part(visitor, 'input').fill(VISITOR_ASKS);
    await part(visitor, 'input').press('Enter');
    await expect
      .poll(() => conversationsOf('lovelace'))
      .toEqual([{ id: expect.any(String), messages: [`person: ${VISITOR_ASKS}`] }]);
    const [conversation] = await conversationsOf('lovelace');
    await team('POST', `/conversations/${conversation!.id}/reply`, { body: TEAM_ANSWERS, author_name: 'Sam' });
    await expect
      .poll(() => part(visitor, 'message').allTextContents())
      .toEqual([`You${VISITOR_ASKS}`, `Sam${TEAM_ANSWERS}`]);

    const backup = await runBin(folder, ['backup', BACKUP, '--db', DATABASE]);
    expect(backup).toEqual({
      code: 0,
      stdout: expect.stringMatching(
        /^confab-server backup: .*confab\.sqlite copied to .*backup\.sqlite \(\d+ pages\)\n$/,
      ),
      stderr: '',
    });
    expect(server.child.exitCode).toBeNull();
  });

  it('SIGTERM closes it with exit code 0', async () => {
    expect(await stop(server)).toBe(0);
    expect(server.output()).toMatch(/SIGTERM, closing/);
  });

  it('started again on the same database, it has the conversation, for the team and on the reloaded page', async () => {
    server = await startServer(new URL(server.url).port);
    expect(await conversationsOf('lovelace')).toEqual([
      { id: expect.any(String), messages: [`person: ${VISITOR_ASKS}`, `team: ${TEAM_ANSWERS}`] },
    ]);
    expect(await threadAfterReload(visitor)).toEqual([`You${VISITOR_ASKS}`, `Sam${TEAM_ANSWERS}`]);
    // Written after the backup: the restore below goes back to before it.
    const [conversation] = await conversationsOf('lovelace');
    await team('POST', `/conversations/${conversation!.id}/reply`, { body: AFTER_BACKUP, author_name: 'Sam' });
  });

  it('restored from the backup as docs/production.md says (stop, remove the -wal and -shm, copy it in place, start), it has every message written before the backup and none after', async () => {
    expect(await stop(server)).toBe(0);
    rmSync(join(folder, `${DATABASE}-wal`), { force: true });
    rmSync(join(folder, `${DATABASE}-shm`), { force: true });
    copyFileSync(join(folder, BACKUP), join(folder, DATABASE));
    server = await startServer(new URL(server.url).port);
    const ready = await fetch(`${server.url}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await conversationsOf('lovelace')).toEqual([
      { id: expect.any(String), messages: [`person: ${VISITOR_ASKS}`, `team: ${TEAM_ANSWERS}`] },
    ]);
    expect(await threadAfterReload(visitor)).toEqual([`You${VISITOR_ASKS}`, `Sam${TEAM_ANSWERS}`]);
    expect(await stop(server)).toBe(0);
  });
});
