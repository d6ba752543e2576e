import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src';
import { type TestDatabase, testDatabase } from './backend';
import { boot, call, messenger, TEAM_TOKEN, team, testConfig } from './server-harness';

// Pages and the widget's script served by the same process as the API (what the demo does),
// from real folders on disk, without shadowing a single API path.
let server: RunningServer;
let folder: string;
let site: string;
let widget: string;
let later: string;
let build: string;
let database: TestDatabase;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'confab-static-test-'));
  site = join(folder, 'site');
  widget = join(folder, 'widget');
  later = join(folder, 'later');
  build = join(folder, 'build');
  mkdirSync(join(site, 'api', 'v1'), { recursive: true });
  mkdirSync(join(site, 'messenger'), { recursive: true });
  mkdirSync(widget);
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>site</title>');
  writeFileSync(join(site, 'app.js'), 'console.log("site");');
  writeFileSync(join(site, 'style.css'), 'body{}');
  writeFileSync(join(site, '.env'), 'SECRET=1');
  // Files that sit where the API lives must never answer.
  writeFileSync(join(site, 'health'), 'a file, not the health check');
  writeFileSync(join(site, 'api', 'v1', 'secret.txt'), 'not served');
  writeFileSync(join(site, 'messenger', 'x.txt'), 'not served');
  writeFileSync(join(widget, 'confab.js'), 'window.Intercom = function () {};');
  // A widget's build folder, as packages/dom's dist: the script and what else a build leaves there.
  mkdirSync(join(build, 'chunks'), { recursive: true });
  writeFileSync(join(build, 'confab.js'), 'window.Intercom = "built";');
  writeFileSync(join(build, 'confab.js.map'), '{"version":3,"sources":["../src/secret-plans.ts"]}');
  writeFileSync(join(build, 'index.cjs'), 'module.exports = {};');
  writeFileSync(join(build, 'index.d.ts'), 'export {};');
  writeFileSync(join(build, 'chunks', 'extra.js'), '1;');

  database = await testDatabase(folder);
  server = await startServer(testConfig(folder, { db: database.db, corsOrigins: [] }), {
    staticRoots: [
      { root: site },
      { root: widget }, // same prefix: looked up after the site's folder
      { root: widget, prefix: '/assets', cacheControl: 'public, max-age=31536000, immutable' },
      { root: later, prefix: '/later' }, // does not exist yet
      { root: build, prefix: '/widget', files: ['confab.js', 'chunks/extra.js'], cacheControl: 'public, max-age=60' },
    ],
  });
});

function statusOf(url: string, headers: Record<string, string>): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on('error', reject);
  });
}

afterAll(async () => {
  await server.close();
  await database.drop();
  rmSync(folder, { recursive: true, force: true });
});

describe('static files beside the API', () => {
  it('serves the index page at / and files with their content type, revalidated by ETag', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('<title>site</title>');

    const script = await fetch(`${server.url}/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('no-cache');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = script.headers.get('etag');
    expect(etag).toBeTruthy();
    // node:http, not fetch: fetch adds `cache-control: no-cache` to a conditional request.
    expect(await statusOf(`${server.url}/app.js`, { 'if-none-match': etag! })).toBe(304);

    const css = await fetch(`${server.url}/style.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('looks a file up in every folder of a prefix, and under other prefixes with their own cache header', async () => {
    const widgetAtRoot = await fetch(`${server.url}/confab.js`);
    expect(widgetAtRoot.status).toBe(200);
    expect(await widgetAtRoot.text()).toContain('window.Intercom');
    const widgetAtAssets = await fetch(`${server.url}/assets/confab.js`);
    expect(widgetAtAssets.status).toBe(200);
    expect(widgetAtAssets.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('a folder with a list of files serves those and nothing else of it', async () => {
    const script = await fetch(`${server.url}/widget/confab.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toBe('window.Intercom = "built";');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=60');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await statusOf(`${server.url}/widget/confab.js`, { 'if-none-match': script.headers.get('etag')! })).toBe(
      304,
    );
    expect((await fetch(`${server.url}/widget/chunks/extra.js`)).status).toBe(200);
    for (const path of [
      '/widget/confab.js.map',
      '/widget/index.cjs',
      '/widget/index.d.ts',
      '/widget/',
      '/widget/chunks/',
      '/widget/%2e%2e/build/confab.js.map',
    ]) {
      const answer = await call(server, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(JSON.stringify(answer.body), path).not.toContain('secret-plans');
    }
  });

  it('a list of files refuses a path out of the folder, a dotfile, or a path of the API, at start', async () => {
    for (const files of [['../confab.sqlite'], ['/etc/passwd'], ['.env'], ['a/../b.js'], ['']]) {
      await expect(
        startServer(testConfig(folder, { db: database.db }), { staticRoots: [{ root: build, files }] }),
        JSON.stringify(files),
      ).rejects.toThrow(/plain path inside its folder/);
    }
    await expect(
      startServer(testConfig(folder, { db: database.db }), {
        staticRoots: [{ root: build, prefix: '/api', files: ['x.js'] }],
      }),
    ).rejects.toThrow(/shadow the API/);
  });

  it('a folder made after the start is served once it exists', async () => {
    expect((await fetch(`${server.url}/later/x.js`)).status).toBe(404);
    mkdirSync(later);
    writeFileSync(join(later, 'x.js'), '1;');
    expect((await fetch(`${server.url}/later/x.js`)).status).toBe(200);
  });

  it('answers a missing file, a dotfile or a path out of the folder with an error, never a file', async () => {
    const missing = await call(server, 'GET', '/nope.html');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await fetch(`${server.url}/.env`)).status).toBe(404);
    for (const path of ['/..%2fconfab.sqlite', '/%2e%2e/confab.sqlite', '/widget/../confab.sqlite']) {
      const answer = await fetch(`${server.url}${path}`);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(await answer.text(), path).not.toContain('SQLite format');
    }
  });

  it('never shadows the API: its routes answer, and files under its paths are not served', async () => {
    const health = await call(server, 'GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { ok: true } });

    const visitor = await boot(server);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'Hello', client_id: 's1' },
    });
    expect(started.status).toBe(200);
    const list = await call(server, 'GET', `${team()}/conversations`, { token: TEAM_TOKEN });
    expect(list.body.conversations.map((c: { id: string }) => c.id)).toContain(started.body.conversation.id);
    expect((await call(server, 'GET', `${team()}/conversations`)).status).toBe(401);

    for (const path of ['/api/v1/secret.txt', '/%61pi/v1/secret.txt', '/messenger/x.txt', `${messenger()}/nope`]) {
      const answer = await call(server, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.error.code, path).toBe('not_found');
    }
  });
});
