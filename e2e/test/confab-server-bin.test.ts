// `confab-server` as an operator runs it: the package's bin from its build, in a folder of its own,
// serving the widget that a page on another origin loads (pinned with its printed integrity, and
// through Intercom's snippet) and boots against it in Chromium; SIGTERM ends it with code 0.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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

const folder = mkdtempSync(join(tmpdir(), 'confab-operator-'));
let browser: Browser;
let site: Site;
let server: RunningBin;

beforeAll(async () => {
  ensureServerBuilt();
  site = await startSite();
  server = await startBin(folder, [
    '--port',
    '0',
    '--db',
    'confab.sqlite',
    '--team-token',
    TEAM_TOKEN,
    '--cors-origin',
    site.url,
  ]);
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGKILL');
  await site?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function contactsNamed(userId: string): Promise<unknown[]> {
  const response = await fetch(`${server.url}/api/v1/apps/acme/contacts?user_id=${userId}`, {
    headers: { authorization: `Bearer ${TEAM_TOKEN}` },
  });
  return ((await response.json()) as { contacts: unknown[] }).contacts;
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

  it('SIGTERM closes it with exit code 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/SIGTERM, closing/);
  });
});
