// Teammates for tests: `addTeammate` makes one as an admin would (the store's invite, the link's
// password set through the API), signs them in, and hands back an API token and session cookies.
import { randomBytes } from 'node:crypto';
import { SESSION_COOKIE } from '../src/team-auth';
import { call, type TestServer } from './server-harness';

export interface TestTeammate {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'agent';
  password: string;
  /** An API token of theirs, reaching all their apps: send it as `{ token }` with call(). */
  token: string;
  /** A new signed-in session's cookie (`confab_session=…`), one per call. */
  cookie(): Promise<string>;
  /**
   * The headers of a browser's same-origin request in a new session: the cookie and the Origin.
   * A cookie-signed write without a matching Origin is refused (CSRF, team-auth.ts).
   */
  sessionHeaders(): Promise<Record<string, string>>;
}

let made = 0;

/** The `name=value` of the session cookie a response set. */
export function sessionCookieOf(headers: Headers): string {
  const cookie = headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error(`no ${SESSION_COOKIE} cookie in ${JSON.stringify(headers.getSetCookie())}`);
  return cookie.split(';')[0]!;
}

/** Signs in through POST /api/v1/auth/login and returns the session cookie. */
export async function logIn(server: Pick<TestServer, 'url'>, email: string, password: string): Promise<string> {
  const answer = await call(server, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return sessionCookieOf(answer.headers);
}

export async function addTeammate(
  server: TestServer,
  options: { role: 'admin' | 'agent'; name?: string; email?: string; apps?: string[] },
): Promise<TestTeammate> {
  made++;
  const name = options.name ?? `${options.role === 'admin' ? 'Ada' : 'Alan'} ${made}`;
  const email = options.email ?? `teammate-${made}-${randomBytes(4).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const created = await server.store.createTeammate(
    { email, name, role: options.role, apps: options.apps ?? ['*'] },
    Date.now(),
  );
  if (!created) throw new Error(`a teammate already has the email ${email}`);
  const set = await call(server, 'POST', '/api/v1/auth/password', {
    body: { token: created.link.token, password },
  });
  if (set.status !== 200) throw new Error(`setting the password failed: ${set.status} ${JSON.stringify(set.body)}`);
  const cookie = () => logIn(server, email, password);
  const minted = await call(server, 'POST', '/api/v1/me/tokens', {
    headers: { cookie: await cookie(), origin: server.url },
    body: { name: 'tests', apps: created.teammate.apps },
  });
  if (minted.status !== 201) throw new Error(`making a token failed: ${minted.status} ${JSON.stringify(minted.body)}`);
  return {
    id: created.teammate.id,
    email: created.teammate.email,
    name,
    role: options.role,
    password,
    token: minted.body.token,
    cookie,
    sessionHeaders: async () => ({ cookie: await cookie(), origin: server.url }),
  };
}
