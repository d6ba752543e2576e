// The real server the inbox's tests talk to (test/global-server.ts starts it), and happy-dom
// pointed at it: the inbox's relative `/api/v1/...` calls reach it, with its cookies, as in a
// browser. Teammates are made through the API, as an admin invites them.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { inject } from 'vitest';

export const inboxServer = () => inject('inboxServer');

export interface MadeTeammate {
  id: string;
  email: string;
  name: string;
  password: string;
}

let adminCookie: string | undefined;
let made = 0;

/** Node's fetch straight to the server (not the page's: no page cookies), as the seeding admin. */
async function asAdmin(method: string, path: string, body?: unknown): Promise<NodeAnswer> {
  const { url, admin } = inboxServer();
  if (!adminCookie) {
    const login = await nodeFetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    if (login.status !== 200) throw new Error(`the seeding admin cannot sign in: ${login.status}`);
    adminCookie = login.setCookies[0]!.split(';')[0]!;
  }
  return nodeFetch(`${url}${path}`, {
    method,
    headers: {
      cookie: adminCookie,
      origin: url,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

export interface NodeAnswer {
  status: number;
  setCookies: string[];
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** HTTP from Node itself: happy-dom's fetch belongs to the page (its cookies, its CORS rules). */
export function nodeFetch(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<NodeAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({
          status: response.statusCode!,
          setCookies: response.headers['set-cookie'] ?? [],
          text: async () => text,
          json: async () => JSON.parse(text),
        });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A teammate invited by the admin with a password set through their link. */
export async function addTeammate(options: {
  role: 'admin' | 'agent';
  name?: string;
  apps?: string[];
  email?: string;
}): Promise<MadeTeammate> {
  made++;
  const name = options.name ?? `${options.role === 'admin' ? 'Ada' : 'Alan'} ${made}`;
  const email = options.email ?? `teammate-${made}-${randomBytes(4).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const invited = await asAdmin('POST', '/api/v1/teammates', {
    email,
    name,
    role: options.role,
    apps: options.apps ?? ['*'],
  });
  if (invited.status !== 201) throw new Error(`inviting failed: ${invited.status} ${await invited.text()}`);
  const { teammate, password_link } = (await invited.json()) as {
    teammate: { id: string };
    password_link: { url: string };
  };
  const token = new URL(password_link.url).hash.replace(/^#token=/, '');
  const set = await nodeFetch(`${inboxServer().url}/api/v1/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: decodeURIComponent(token), password }),
  });
  if (set.status !== 200) throw new Error(`setting the password failed: ${set.status} ${await set.text()}`);
  return { id: teammate.id, email, name, password };
}

/** Puts the test's page at `path` on the server's origin: relative fetches go there. */
export function openPage(path: string): void {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${inboxServer().url}${path}`);
}

/** Signs in from Node (not the page): the session cookie, `confab_session=…`. */
export async function cookieOf(teammate: { email: string; password: string }): Promise<string> {
  const login = await nodeFetch(`${inboxServer().url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: teammate.email, password: teammate.password }),
  });
  if (login.status !== 200) throw new Error(`signing in failed: ${login.status} ${await login.text()}`);
  return login.setCookies[0]!.split(';')[0]!;
}

let visitors = 0;

/** A visitor of `appId` boots and starts a conversation: the team stream gets `conversation.created` and `message`. */
export async function visitorWrites(appId: string, body: string): Promise<{ conversationId: string; token: string }> {
  visitors++;
  const { url } = inboxServer();
  const booted = await nodeFetch(`${url}/messenger/v1/apps/${appId}/boot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      app_id: appId,
      visitor_id: `visitor-${visitors}-${randomBytes(4).toString('hex')}`,
      device_id: `device-${visitors}`,
      identity: {},
      attributes: {},
    }),
  });
  if (booted.status !== 200) throw new Error(`boot failed: ${booted.status} ${await booted.text()}`);
  const token = ((await booted.json()) as { session: { token: string } }).session.token;
  const started = await nodeFetch(`${url}/messenger/v1/apps/${appId}/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ body, client_id: `client-${randomBytes(6).toString('hex')}` }),
  });
  if (started.status !== 200 && started.status !== 201)
    throw new Error(`starting a conversation failed: ${started.status} ${await started.text()}`);
  const conversationId = ((await started.json()) as { conversation: { id: string } }).conversation.id;
  return { conversationId, token };
}
