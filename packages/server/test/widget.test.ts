// The widget's script as the server hands it to any site (src/widget.ts, src/precompressed.ts):
// both names, the compressed forms by Accept-Encoding, caching, CORS and its integrity, read as
// raw bytes off a real socket (fetch would decompress them out of sight).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEAM_TOKEN, type TestServer } from './server-harness';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (response) => {
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

function decoded(answer: RawAnswer): Buffer {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(answer.body);
  if (encoding === 'gzip') return gunzipSync(answer.body);
  expect(encoding).toBeUndefined();
  return answer.body;
}

const folder = mkdtempSync(join(tmpdir(), 'confab-widget-test-'));
// A script that compresses as a real one does: repetitive text.
const script = Buffer.from(
  Array.from({ length: 400 }, (_, i) => `window.__confab${i % 7}=function(a){return a+${i}};`).join('\n'),
);
const scriptFile = join(folder, 'confab.js');
const tinyFile = join(folder, 'tiny.js');
writeFileSync(scriptFile, script);
writeFileSync(tinyFile, '1');
const integrity = `sha384-${createHash('sha384').update(script).digest('base64')}`;

let server: TestServer;
let hashedPath: string;

beforeAll(async () => {
  server = await startTestServer({}, { clientApps: { widget: scriptFile } });
  hashedPath = server.clientApps.widget!.hashedPath;
});
afterAll(async () => {
  await server?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe('the widget served by the server', () => {
  it('names the script by its content and gives its Subresource Integrity', () => {
    expect(server.clientApps.widget).toEqual({
      path: '/confab.js',
      hashedPath: `/confab.${createHash('sha384').update(script).digest().subarray(0, 8).toString('hex')}.js`,
      integrity,
      bytes: { identity: script.length, gzip: expect.any(Number), br: expect.any(Number) },
    });
    const { bytes } = server.clientApps.widget!;
    expect(bytes.br!).toBeLessThan(bytes.gzip!);
    expect(bytes.gzip!).toBeLessThan(bytes.identity / 5);
  });

  it('sends /confab.js as JavaScript for any site, cached five minutes, in the coding the request prefers', async () => {
    for (const [acceptEncoding, expected] of [
      ['gzip, deflate, br', 'br'],
      ['gzip, deflate', 'gzip'],
      ['br;q=0.5, gzip', 'gzip'],
      ['gzip;q=0.4, br;q=0.8', 'br'],
      ['BR', 'br'],
      ['*', 'br'],
      ['deflate', undefined],
      ['br;q=0, gzip;q=0', undefined],
      ['', undefined],
    ] as const) {
      const answer = await raw(`${server.url}/confab.js`, acceptEncoding ? { 'accept-encoding': acceptEncoding } : {});
      expect({ acceptEncoding, status: answer.status, encoding: answer.headers['content-encoding'] }).toEqual({
        acceptEncoding,
        status: 200,
        encoding: expected,
      });
      expect(decoded(answer).equals(script)).toBe(true);
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      expect(answer.headers).toMatchObject({
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=300',
        vary: 'accept-encoding',
        'access-control-allow-origin': '*',
        'cross-origin-resource-policy': 'cross-origin',
        'x-content-type-options': 'nosniff',
      });
    }
  });

  it('sends the same bytes under the hashed name, cached for good', async () => {
    const answer = await raw(`${server.url}${hashedPath}`, { 'accept-encoding': 'gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    const bytes = decoded(answer);
    expect(`sha384-${createHash('sha384').update(bytes).digest('base64')}`).toBe(integrity);
  });

  it('answers a revalidation with 304 and no body, per coding', async () => {
    const first = await raw(`${server.url}/confab.js`, { 'accept-encoding': 'br' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{16}-br"$/);
    const again = await raw(`${server.url}/confab.js`, {
      'accept-encoding': 'br',
      'if-none-match': `"other", W/${etag}`,
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    // The tag of the brotli bytes does not validate the gzip ones.
    const otherCoding = await raw(`${server.url}/confab.js`, { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(otherCoding.status).toBe(200);
    expect(otherCoding.headers['content-encoding']).toBe('gzip');
  });

  it('answers HEAD with the headers alone', async () => {
    const head = await raw(`${server.url}/confab.js`, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.body.length).toBe(0);
  });

  it('serves no other name, and opens nothing else to every origin', async () => {
    for (const path of ['/confab.0000000000000000.js', '/confab.js.map', '/confab.js/x', `${hashedPath}x`]) {
      const answer = await raw(`${server.url}${path}`);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(JSON.parse(answer.body.toString()).error.status).toBe(404);
    }
    expect((await raw(`${server.url}/confab.js`, {}, 'POST')).status).toBe(404);
    // The team API stays closed to browsers: the script's `*` is its own.
    const team = await raw(`${server.url}/api/v1/apps/acme/conversations`, {
      origin: 'https://evil.example',
      authorization: `Bearer ${TEAM_TOKEN}`,
    });
    expect(team.status).toBe(200);
    expect(team.headers['access-control-allow-origin']).toBeUndefined();
    const messenger = await raw(`${server.url}/messenger/v1/apps/acme/conversations`, {
      origin: 'https://evil.example',
    });
    expect(messenger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends a file that compression would not shrink as it is', async () => {
    const tiny = await startTestServer({}, { clientApps: { widget: tinyFile } });
    try {
      expect(tiny.clientApps.widget!.bytes).toEqual({ identity: 1 });
      const answer = await raw(`${tiny.url}/confab.js`, { 'accept-encoding': 'gzip, br' });
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.body.toString()).toBe('1');
    } finally {
      await tiny.stop();
    }
  });

  it('serves nothing at /confab.js unless asked to', async () => {
    const plain = await startTestServer();
    try {
      expect(plain.clientApps).toEqual({});
      expect((await raw(`${plain.url}/confab.js`)).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});
