// A real Confab server for the conversations tests: its own SQLite file, teammates with API
// tokens, and visitors who write through the messenger API. The stores under test reach it by HTTP.
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, request } from 'node:http';
import { inject } from 'vitest';
import { type ApiRequest, ConversationsApi } from '../../src/conversations/conversations-api';
import type { TeamStreamEvent } from '../../src/conversations/types';

export const APP_ID = 'acme';

/** The inbox tests' real server (test/global-server.ts starts it as a process of its own). */
export interface RealServer {
  url: string;
  admin: { email: string; password: string };
}

export function realServer(): RealServer {
  const { url, admin } = inject('inboxServer');
  return { url, admin };
}

interface NodeAnswer {
  status: number;
  setCookies: string[];
  text: string;
}

/**
 * HTTP from Node itself, whichever environment the test runs in: happy-dom's fetch is the page's
 * (its cookie jar, its CORS rules, no Set-Cookie to read).
 */
export function nodeFetch(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<NodeAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode!,
          setCookies: response.headers['set-cookie'] ?? [],
          text: Buffer.concat(chunks).toString(),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}

/** What the server answered when it was not a 2xx: the inbox's ApiError has the same fields. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The inbox's api() against a real server, signed with a bearer token instead of the cookie. */
export function requestAs(url: string, token: string): ApiRequest {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await nodeFetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (answer.status === 204) return undefined as T;
    const parsed = JSON.parse(answer.text);
    if (answer.status >= 300) {
      const { code, message, field } = parsed.error ?? {};
      throw new HttpError(answer.status, code, message, field);
    }
    return parsed as T;
  };
}

export interface Teammate {
  id: string;
  name: string;
  email: string;
  password: string;
  token: string;
  api: ConversationsApi;
}

let made = 0;
let adminCookie: string | undefined;

async function logIn(real: RealServer, email: string, password: string): Promise<string> {
  const login = await nodeFetch(`${real.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  return login.setCookies[0]!.split(';')[0]!;
}

/** A saved reply of the app, written by the tests' admin. */
export async function addSavedReply(real: RealServer, title: string, body: string): Promise<void> {
  adminCookie ??= await logIn(real, real.admin.email, real.admin.password);
  await post(
    real.url,
    `/api/v1/apps/${APP_ID}/saved_replies`,
    { title, body },
    { cookie: adminCookie, origin: real.url },
  );
}

/** A teammate the admin invites, with their password set and an API token of their own. */
export async function addTeammate(
  real: RealServer,
  role: 'admin' | 'agent' = 'agent',
  name?: string,
): Promise<Teammate> {
  made++;
  const email = `conv-${made}-${randomBytes(4).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const teammateName = name ?? `Teammate ${made}`;
  adminCookie ??= await logIn(real, real.admin.email, real.admin.password);
  const invited = await post(
    real.url,
    '/api/v1/teammates',
    { email, name: teammateName, role, apps: ['*'] },
    { cookie: adminCookie, origin: real.url },
  );
  const token = decodeURIComponent(new URL(invited.password_link.url).hash.replace(/^#token=/, ''));
  await post(real.url, '/api/v1/auth/password', { token, password });
  const cookie = await logIn(real, email, password);
  const minted = await post(
    real.url,
    '/api/v1/me/tokens',
    { name: 'tests', apps: ['*'] },
    { cookie, origin: real.url },
  );
  const apiToken = minted.token as string;
  return {
    id: invited.teammate.id,
    name: teammateName,
    email,
    password,
    token: apiToken,
    api: new ConversationsApi(requestAs(real.url, apiToken), APP_ID),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: test answers are read by the shape the API documents.
async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const answer = await nodeFetch(`${url}${path}`, {
    method: 'POST',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const parsed = answer.status === 204 ? undefined : JSON.parse(answer.text);
  if (answer.status >= 300) throw new Error(`${path}: ${answer.status} ${answer.text}`);
  return parsed;
}

export interface Visitor {
  token: string;
  start(body: string): Promise<string>;
  write(conversationId: string, body: string): Promise<void>;
  read(conversationId: string): Promise<void>;
  typing(conversationId: string): Promise<void>;
}

export async function addVisitor(real: RealServer, name?: string): Promise<Visitor> {
  made++;
  const booted = await post(real.url, `/messenger/v1/apps/${APP_ID}/boot`, {
    app_id: APP_ID,
    visitor_id: `visitor-${made}-${randomBytes(4).toString('hex')}`,
    device_id: `device-${made}`,
    identity: {},
    attributes: name ? { name } : {},
  });
  const token = booted.session.token as string;
  const auth = { authorization: `Bearer ${token}` };
  const base = `/messenger/v1/apps/${APP_ID}/conversations`;
  return {
    token,
    async start(body) {
      const started = await post(real.url, base, { body, client_id: randomBytes(8).toString('hex') }, auth);
      return started.conversation.id as string;
    },
    async write(conversationId, body) {
      await post(
        real.url,
        `${base}/${conversationId}/messages`,
        { body, client_id: randomBytes(8).toString('hex') },
        auth,
      );
    },
    async read(conversationId) {
      await post(real.url, `${base}/${conversationId}/read`, undefined, auth);
    },
    async typing(conversationId) {
      await post(real.url, `${base}/${conversationId}/typing`, undefined, auth);
    },
  };
}

/**
 * The team stream as the inbox's team-stream.ts reads it (an SSE connection with the teammate's
 * credentials), parsed into events. `next(predicate)` waits for the first matching event.
 */
export async function openStream(real: RealServer, token: string) {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = request(`${real.url}/api/v1/apps/${APP_ID}/stream`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    outgoing.on('response', resolve);
    outgoing.on('error', reject);
    outgoing.end();
  });
  if (response.statusCode !== 200) throw new Error(`stream: ${response.statusCode}`);
  const events: TeamStreamEvent[] = [];
  const waiters: Array<{ match: (event: TeamStreamEvent) => boolean; resolve: (event: TeamStreamEvent) => void }> = [];
  const listeners: Array<(event: TeamStreamEvent) => void> = [];
  let buffer = '';
  response.setEncoding('utf8');
  response.on('error', () => {
    // Ended by close().
  });
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) {
        const event = JSON.parse(data) as TeamStreamEvent;
        events.push(event);
        for (const listener of listeners) listener(event);
        for (const waiter of waiters.splice(0)) {
          if (waiter.match(event)) waiter.resolve(event);
          else waiters.push(waiter);
        }
      }
      end = buffer.indexOf('\n\n');
    }
  });
  return {
    events,
    subscribe(listener: (event: TeamStreamEvent) => void) {
      listeners.push(listener);
    },
    next<E extends TeamStreamEvent = TeamStreamEvent>(match: (event: TeamStreamEvent) => boolean): Promise<E> {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen as E);
      return new Promise((resolve) => waiters.push({ match, resolve: (event) => resolve(event as E) }));
    },
    close() {
      response.destroy();
    },
  };
}
