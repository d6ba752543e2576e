// The inbox as the server hands it out (src/inbox-files.ts): index.html for the app's routes, its
// files with the strict CSP on every answer under /inbox, hashed assets cached for good, and
// nothing outside the build folder (or of the API) ever answered from it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOX_CSP } from '../src';
import { call, startTestServer, TEAM_TOKEN, type TestServer } from './server-harness';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** A request sent as written (fetch would normalise `..` away before it leaves). */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const parent = mkdtempSync(join(tmpdir(), 'confab-inbox-test-'));
const folder = join(parent, 'inbox');
const INDEX =
  '<!doctype html><title>Confab inbox</title><script type="module" src="/inbox/assets/app-abc123.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

beforeAll(() => {
  mkdirSync(join(folder, 'assets'), { recursive: true });
  writeFileSync(join(folder, 'index.html'), INDEX);
  writeFileSync(join(folder, 'assets', 'app-abc123.js'), SCRIPT);
  writeFileSync(join(folder, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(folder, '.env'), 'SECRET=dotfile');
  writeFileSync(join(parent, 'secret.txt'), 'outside the build');
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('the built inbox at /inbox', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { clientApps: { inbox: folder } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('exports the CSP the contract fixes', () => {
    expect(INBOX_CSP).toBe(CSP);
  });

  it('answers /inbox and every app route with index.html, revalidated on each load, under the CSP', async () => {
    for (const path of [
      '/inbox',
      '/inbox/',
      '/inbox/login',
      '/inbox/set-password',
      '/inbox/acme/conversations/c1',
      '/inbox/admin/teammates?x=1',
    ]) {
      const answer = await call(server, 'GET', path);
      expect(answer.status, path).toBe(200);
      expect(answer.body, path).toBe(INDEX);
      expect(answer.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
      expect(answer.headers.get('content-security-policy'), path).toBe(CSP);
      expect(answer.headers.get('cache-control'), path).toBe('no-cache');
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('serves hashed assets immutable and compressed, with the CSP', async () => {
    const answer = await rawGet(server.url, '/inbox/assets/app-abc123.js', { 'accept-encoding': 'gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.headers['content-security-policy']).toBe(CSP);
    expect(gunzipSync(answer.body).toString()).toBe(SCRIPT);
    const again = await rawGet(server.url, '/inbox/assets/app-abc123.js', {
      'accept-encoding': 'gzip',
      'if-none-match': String(answer.headers.etag),
    });
    expect(again.status).toBe(304);
  });

  it('serves other files of the build revalidated', async () => {
    const answer = await call(server, 'GET', '/inbox/favicon.svg');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('image/svg+xml');
    expect(answer.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a missing hashed asset 404 (not the page in its place), with the CSP', async () => {
    const answer = await call(server, 'GET', '/inbox/assets/app-gone.js');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('not_found');
    expect(answer.headers.get('content-security-policy')).toBe(CSP);
  });

  it('never serves a file outside the build folder, nor a dotfile', async () => {
    for (const path of [
      '/inbox/../secret.txt',
      '/inbox/..%2fsecret.txt',
      '/inbox/%2e%2e/secret.txt',
      '/inbox/assets/..%2f..%2fsecret.txt',
      '/inbox/..%5csecret.txt',
      '/inbox/.env',
      '/inbox/%2eenv',
    ]) {
      const answer = await rawGet(server.url, path);
      expect(answer.body.toString(), path).not.toContain('outside the build');
      expect(answer.body.toString(), path).not.toContain('SECRET');
      expect(answer.status, path).not.toBe(200);
    }
    const traversal = await rawGet(server.url, '/inbox/%2e%2e/secret.txt');
    expect(traversal.status).toBe(404);
    expect(traversal.headers['content-security-policy']).toBe(CSP);
  });

  it('leaves the API to the API: its paths are never the inbox page', async () => {
    const me = await call(server, 'GET', '/api/v1/me');
    expect(me.status).toBe(401);
    expect(me.headers.get('content-security-policy')).toBeNull();
    const list = await call(server, 'GET', '/api/v1/apps/acme/conversations', { token: TEAM_TOKEN });
    expect(list.status).toBe(200);
    expect(list.body).not.toBe(INDEX);
    const inboxLike = await call(server, 'GET', '/inboxes');
    expect(inboxLike.status).toBe(404);
  });

  it('serves a rebuilt index.html without a restart', async () => {
    writeFileSync(join(folder, 'index.html'), `${INDEX}<!-- rebuilt, longer -->`);
    const answer = await call(server, 'GET', '/inbox/login');
    expect(answer.body).toBe(`${INDEX}<!-- rebuilt, longer -->`);
    writeFileSync(join(folder, 'index.html'), INDEX);
  });
});

describe('an inbox that is not built', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { clientApps: { inbox: join(parent, 'not-built') } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers 503 saying how to build it, under the CSP', async () => {
    const answer = await call(server, 'GET', '/inbox/login');
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('pnpm --filter @confab/inbox build');
    expect(answer.headers.get('content-security-policy')).toBe(CSP);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});
