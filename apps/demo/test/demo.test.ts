import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths, type RunningDemo, startDemo } from '../src/demo';

// The demo as `pnpm start` runs it, on a free port with a SQLite file and a stand-in widget
// build of its own: real pages over HTTP, the real messenger and team APIs, no mocks.
const PLACEHOLDER_WIDGET = '/* stand-in for packages/dom/dist/confab.js */ window.__confabPlaceholder = true;';

let folder: string;
let demo: RunningDemo;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'confab-demo-test-'));
  mkdirSync(join(folder, 'dist'));
  writeFileSync(join(folder, 'dist', 'confab.js'), PLACEHOLDER_WIDGET);
  // What else a build of packages/dom leaves beside the script: never served.
  for (const other of ['confab.js.map', 'index.js', 'index.cjs', 'index.d.ts', 'index.js.map'])
    writeFileSync(join(folder, 'dist', other), '{"sources":["../src/x.ts"]}');
  demo = await startDemo({ port: 0, db: join(folder, 'db', 'demo.sqlite'), widgetDir: join(folder, 'dist') });
});

afterAll(async () => {
  await demo?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${demo.apiBase}${path}`, { headers });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function json(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${demo.apiBase}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a test reads JSON answers by the shape it expects; the server's schemas are what the tests check, not this type.
  return { status: response.status, body: (await response.json()) as any };
}

describe('the demo server', () => {
  it('says where everything is: the site, the inbox, the API, the database', () => {
    expect(demo.siteUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(demo.inboxUrl).toBe(`${demo.apiBase}/inbox/`);
    expect(demo.teamTokenGenerated).toBe(true);
    expect(demo.teamToken.length).toBeGreaterThanOrEqual(16);
    expect(demo.db).toBe(join(folder, 'db', 'demo.sqlite'));
    expect(demo.widget).toEqual({ file: join(folder, 'dist', 'confab.js'), built: true });
    expect(demo.config.teamName).toBe('Confab demo');
    // Identity verification is on, as in production; the stand-in site backend signs (/demo/sign).
    expect(demo.config.secret).toEqual(expect.any(String));
  });

  it('serves the site page, installed with the standard Intercom loader snippet pointed at /confab.js', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toMatch(/window\.intercomSettings = \{\s*app_id: 'demo',?\s*\}/);
    // The snippet as Intercom documents it: a stub that queues `arguments` in Intercom.q and an
    // async script tag added on load.
    expect(page.text).toContain(
      'var i=function(){i.c(arguments);};i.q=[];i.c=function(args){i.q.push(args);};w.Intercom=i;',
    );
    expect(page.text).toContain("s.async=true;s.src='/confab.js';");
    expect(page.text).toContain("w.addEventListener('load',l,false);");
    expect(page.text).toContain('<script src="/demo.js" defer></script>');
    // The site never shows the team's token; it points to the inbox, whose sign-in is in the terminal.
    expect(page.text).not.toContain(demo.teamToken);
    expect(page.text).toContain('<a href="/inbox/">inbox</a>');
    for (const command of [
      'boot',
      'shutdown',
      'show',
      'hide',
      'showMessages',
      'showNewMessage',
      "showSpace('home')",
      "showSpace('messages')",
      'showConversation',
      'startConversation',
      'trackEvent',
      'getVisitorId',
    ]) {
      expect(page.text, command).toContain(`>${command}</button>`);
    }
    expect(page.text).toContain('class="chat-with-us"');
  });

  it("serves the pages' scripts and styles, and the widget from its build folder", async () => {
    for (const [path, type] of [
      ['/demo.js', /^text\/javascript/],
      ['/demo.css', /^text\/css/],
    ] as const) {
      const answer = await get(path);
      expect(answer.status, path).toBe(200);
      expect(answer.type, path).toMatch(type);
    }
    const widget = await get('/confab.js');
    expect(widget).toMatchObject({ status: 200, text: PLACEHOLDER_WIDGET });
    expect(widget.type).toBe('text/javascript; charset=utf-8');
    // The build folder's other files are not the site's to give away.
    for (const path of ['/confab.js.map', '/index.js', '/index.cjs', '/index.d.ts', '/index.js.map'])
      expect((await get(path)).status, path).toBe(404);
  });

  it('registers every hook at load and wires the custom launcher', async () => {
    const script = (await get('/demo.js')).text;
    for (const hook of ['onShow', 'onHide', 'onUnreadCountChange', 'onUserEmailSupplied']) {
      expect(script).toContain(`window.Intercom('${hook}', (`);
    }
    expect(script).toContain(`custom_launcher_selector: \`.\${LAUNCHER_CLASS}\`, hide_default_launcher: true`);
  });

  it('puts text on the pages with textContent only, never as HTML', () => {
    for (const file of ['demo.js']) {
      const source = readFileSync(join(paths.publicDir, file), 'utf8');
      expect(source, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
  });

  it('boots a user both ways: the site backend signs an intercom_user_jwt or a user_hash; unsigned is refused', async () => {
    const base = '/messenger/v1/apps/demo';
    const bootAs = (identity: object) =>
      json('POST', `${base}/boot`, {
        body: {
          app_id: 'demo',
          visitor_id: `demo-visitor-${Math.random()}`,
          device_id: 'demo-device',
          identity,
          attributes: {},
        },
      });

    const jwt = await json('POST', '/demo/sign', {
      body: { proof: 'intercom_user_jwt', user_id: 'demo-u1', email: 'grace@example.com', name: 'Grace' },
    });
    expect(jwt.body.intercom_user_jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const byJwt = await bootAs({ intercom_user_jwt: jwt.body.intercom_user_jwt });
    expect(byJwt.status).toBe(200);
    expect(byJwt.body.person).toMatchObject({
      role: 'user',
      user_id: 'demo-u1',
      email: 'grace@example.com',
      name: 'Grace',
    });

    const hash = await json('POST', '/demo/sign', { body: { proof: 'user_hash', user_id: 'demo-u2' } });
    const byHash = await bootAs({ user_id: 'demo-u2', user_hash: hash.body.user_hash });
    expect(byHash.status).toBe(200);
    expect(byHash.body.person).toMatchObject({ role: 'user', user_id: 'demo-u2' });

    const unsigned = await bootAs({ user_id: 'demo-u3' });
    expect(unsigned.status).toBe(401);
    const noUserId = await json('POST', '/demo/sign', { body: { proof: 'intercom_user_jwt', email: 'x@example.com' } });
    expect(noUserId.status).toBe(400);
    expect(noUserId.body.error.field).toBe('body.user_id');
  });

  it('the site page offers both proofs and asks the stand-in backend for them', () => {
    const page = readFileSync(join(paths.publicDir, 'index.html'), 'utf8');
    expect(page).toMatch(/name="proof" value="intercom_user_jwt"/);
    expect(page).toMatch(/name="proof" value="user_hash"/);
    expect(readFileSync(join(paths.publicDir, 'demo.js'), 'utf8')).toMatch(/\/demo\/sign/);
  });

  it('a visitor booted over the messenger API writes; the team lists it with the token, reads, replies and closes', async () => {
    const base = '/messenger/v1/apps/demo';
    const signed = await json('POST', '/demo/sign', { body: { proof: 'user_hash', email: 'ada@example.com' } });
    const booted = await json('POST', `${base}/boot`, {
      body: {
        app_id: 'demo',
        visitor_id: `demo-visitor-${Date.now()}`,
        device_id: 'demo-device',
        identity: { email: 'ada@example.com', user_hash: signed.body.user_hash },
        attributes: { name: 'Ada' },
      },
    });
    expect(booted.status).toBe(200);
    const session = booted.body.session.token as string;
    const started = await json('POST', `${base}/conversations`, {
      token: session,
      body: { body: 'Hello from the demo test', client_id: 'demo-c1' },
    });
    expect(started.status).toBe(200);
    const id = started.body.conversation.id as string;

    const team = '/api/v1/apps/demo';
    expect((await json('GET', `${team}/conversations`)).status).toBe(401);
    expect((await json('GET', `${team}/conversations`, { token: 'not-the-team-token-0000' })).status).toBe(401);

    const list = await json('GET', `${team}/conversations`, { token: demo.teamToken });
    expect(list.status).toBe(200);
    expect(list.body.conversations.find((c: { id: string }) => c.id === id)).toMatchObject({
      state: 'open',
      contact: { role: 'user', name: 'Ada', email: 'ada@example.com' },
      last_message: { body: 'Hello from the demo test', author: 'person' },
    });

    const reply = await json('POST', `${team}/conversations/${id}/reply`, {
      token: demo.teamToken,
      body: { body: 'Hi Ada!', author_name: 'Demo agent' },
    });
    expect(reply.body).toMatchObject({ author: 'team', author_name: 'Demo agent', body: 'Hi Ada!' });
    const thread = await json('GET', `${team}/conversations/${id}`, { token: demo.teamToken });
    expect(thread.body.thread.map((m: { body: string }) => m.body)).toEqual(['Hello from the demo test', 'Hi Ada!']);
    // The visitor sees the reply.
    const visitorThread = await json('GET', `${base}/conversations/${id}`, { token: session });
    expect(visitorThread.body.messages.at(-1)).toMatchObject({ author: 'team', body: 'Hi Ada!' });

    const closed = await json('POST', `${team}/conversations/${id}/close`, { token: demo.teamToken });
    expect(closed.body.state).toBe('closed');
  });

  it('the API keeps its paths: /health answers, a file never does under /api or /messenger', async () => {
    expect(await json('GET', '/health')).toEqual({ status: 200, body: { ok: true } });
    expect((await get('/api/v1/demo.js')).status).toBe(404);
    // The team page the inbox replaced is gone.
    for (const path of ['/team.html', '/team.js', '/team.css']) expect((await get(path)).status, path).toBe(404);
    expect((await get('/nope.html')).status).toBe(404);
  });
});

describe('without a widget build', () => {
  it('still serves the pages and the API, and reports the script as missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'confab-demo-nowidget-'));
    const bare = await startDemo({
      port: 0,
      db: join(empty, 'demo.sqlite'),
      widgetDir: join(empty, 'dist'),
      teamToken: 'a-fixed-team-token-for-tests',
    });
    try {
      expect(bare.widget.built).toBe(false);
      expect(bare.teamToken).toBe('a-fixed-team-token-for-tests');
      expect(bare.teamTokenGenerated).toBe(false);
      expect((await fetch(`${bare.apiBase}/confab.js`)).status).toBe(404);
      expect((await fetch(bare.siteUrl)).status).toBe(200);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('secrets and tokens', () => {
  it('starts with a secret or team token that begins with "-" (a made secret may)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'confab-demo-dash-'));
    const dashed = await startDemo({
      port: 0,
      db: join(empty, 'demo.sqlite'),
      widgetDir: join(empty, 'dist'),
      secret: '-secret-with-a-leading-dash',
      teamToken: '-team-token-with-a-dash',
    });
    try {
      const signed = await fetch(`${dashed.apiBase}/demo/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ proof: 'user_hash', user_id: 'dash-1' }),
      });
      const { user_hash } = (await signed.json()) as { user_hash: string };
      const booted = await fetch(`${dashed.apiBase}/messenger/v1/apps/acme/boot`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          app_id: 'acme',
          visitor_id: 'v-dash',
          device_id: 'd-dash',
          identity: { user_id: 'dash-1', user_hash },
          attributes: {},
        }),
      });
      expect(booted.status).toBe(200);
      const listed = await fetch(`${dashed.apiBase}/api/v1/apps/acme/conversations`, {
        headers: { authorization: 'Bearer -team-token-with-a-dash' },
      });
      expect(listed.status).toBe(200);
    } finally {
      await dashed.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('the command line', () => {
  // `--` first, as `pnpm run start -- --port 0` passes it.
  it('prints the URLs and the database, warns about a missing build, and closes on SIGTERM', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'confab-demo-cli-'));
    // One process (node with tsx's loader), not the tsx command, which runs the program in a
    // child of its own: a SIGKILL of the wrapper would leave that child running.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        tsx,
        main,
        '--',
        '--port',
        '0',
        '--db',
        join(empty, 'cli.sqlite'),
        '--widget-dir',
        join(empty, 'dist'),
      ],
      {
        env: { ...process.env, CONFAB_TEAM_TOKEN: '', PORT: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start within 20 s:\n${out}\n${err}`)), 20_000);
        child.stdout.on('data', () => {
          if (out.includes('Ctrl-C')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}\n${err}`)));
      });
      expect(out).toContain('Confab demo running:');
      const site = /Site \(the visitor's side\)\s+(http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(out)?.[1];
      expect(site).toBeDefined();
      expect(out).not.toContain('team.html');
      expect(out).toMatch(/API base\s+http:\/\/127\.0\.0\.1:\d+\n/);
      expect(out).toMatch(new RegExp(`Inbox \\(reply from here\\)\\s+${site!.replace(/[.]/g, '\\.')}inbox/\n`));
      expect(out).toMatch(/Inbox email\s+admin@demo\.example\n/);
      expect(out).toMatch(/Inbox password\s+[\w-]{16} \(made now, kept in the database folder\)\n/);
      expect(out).toContain(join(empty, 'cli.sqlite'));
      expect((await fetch(site!)).status).toBe(200);

      // 'close', not 'exit': every byte of both streams has arrived by then.
      const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await closed).toBe(0);
      expect(out).toContain('SIGTERM, closing');
      expect(err).toContain('confab.js not found: run pnpm --filter @confab/dom run build');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("the demo's inbox and its admin", () => {
  async function logIn(base: string, email: string, password: string) {
    return fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  }

  it('serves the inbox at /inbox under its CSP, and makes an admin who signs in with the printed password', async () => {
    expect(demo.inboxUrl).toBe(`${demo.apiBase}/inbox/`);
    const inbox = await fetch(`${demo.apiBase}/inbox/login`);
    // Built or not (a 503 saying how), the answer is the inbox's, under its CSP.
    expect([200, 503]).toContain(inbox.status);
    expect(inbox.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(demo.admin.created).toBe(true);
    expect(demo.admin.password).toMatch(/^[\w-]{16}$/);
    const login = await logIn(demo.apiBase, demo.admin.email, demo.admin.password!);
    expect(login.status).toBe(200);
    expect(((await login.json()) as { teammate: unknown }).teammate).toMatchObject({
      role: 'admin',
      apps: ['*'],
      name: 'Demo Admin',
    });
  });

  it('is idempotent: a restart on the same database keeps the admin and prints the same password', async () => {
    const own = mkdtempSync(join(tmpdir(), 'confab-demo-admin-'));
    const db = join(own, 'demo.sqlite');
    try {
      const first = await startDemo({ port: 0, db, widgetDir: join(folder, 'dist') });
      await first.close();
      const second = await startDemo({ port: 0, db, widgetDir: join(folder, 'dist') });
      try {
        expect(second.admin).toEqual({ email: first.admin.email, password: first.admin.password, created: false });
        expect((await logIn(second.apiBase, second.admin.email, second.admin.password!)).status).toBe(200);
        const teammates = await second.server.store.teammates();
        expect(teammates.filter((teammate) => teammate.email === second.admin.email)).toHaveLength(1);
      } finally {
        await second.close();
      }
      // Without the saved password, a start hands out a link that sets a new one.
      rmSync(join(own, 'demo-admin.json'));
      const third = await startDemo({ port: 0, db, widgetDir: join(folder, 'dist') });
      try {
        expect(third.admin.password).toBeUndefined();
        expect(third.admin.passwordLink).toMatch(
          new RegExp(`^${third.apiBase.replace(/[.]/g, '\\.')}/inbox/set-password#token=[\\w-]+$`),
        );
      } finally {
        await third.close();
      }
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('keeps the saved password readable by its owner only', () => {
    const mode = statSync(join(folder, 'db', 'demo-admin.json')).mode & 0o777;
    expect(mode).toBe(0o600);
  });
});
