import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseConfig, type RunningServer, startServer } from '@confab/server';
import { WIDGET_PATH } from './build-widget';

export const TEAM_TOKEN = 'e2e-team-token-0123456789abcdef';

/**
 * A real Confab server on 127.0.0.1 with its own SQLite file, open to the given site origins;
 * `inbox`: the built inbox's folder, served at /inbox.
 */
export async function startConfab(corsOrigins: string[], options: { inbox?: string } = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'confab-e2e-'));
  const config = parseConfig(
    [
      '--port',
      '0',
      '--db',
      join(folder, 'confab.sqlite'),
      '--team-token',
      TEAM_TOKEN,
      '--team-name',
      'Acme Support',
      '--rate-limit-ip',
      '100000',
      '--rate-limit-session',
      '100000',
      '--max-streams-per-ip',
      '100000',
    ],
    {},
  );
  if (config === 'help') throw new Error('unreachable: no --help given');
  // The server also hands out the widget, as a self-hosted Confab does: a page that loads the
  // script from here needs no api_base.
  const server: RunningServer = await startServer(
    { ...config, corsOrigins },
    {
      staticRoots: [{ root: dirname(WIDGET_PATH), files: [basename(WIDGET_PATH)] }],
      ...(options.inbox ? { clientApps: { inbox: options.inbox } } : {}),
    },
  );
  // biome-ignore lint/suspicious/noExplicitAny: a test reads JSON answers by the shape it expects; the server's schemas are what the tests check, not this type.
  async function call<T = any>(method: string, path: string, headers: Record<string, string>, body?: unknown) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return { headers: response.headers, body: (response.status === 204 ? undefined : await response.json()) as T };
  }
  /** The app's team API as the holder of a bearer token (the shared team token, or a teammate's). */
  function teamApi(token: string) {
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    return async <T = any>(method: string, path: string, body?: unknown): Promise<T> =>
      (await call<T>(method, `/api/v1/apps/acme${path}`, { authorization: `Bearer ${token}` }, body)).body;
  }
  return {
    server,
    url: server.url,
    team: teamApi(TEAM_TOKEN),
    /**
     * A teammate as one comes to be: an admin's invite (the store's, as the CLI's `teammate add`),
     * the password set through the one-time link, a sign-in, their avatar set on their profile
     * (PATCH /api/v1/me), and an API token of theirs for the app; `team` calls the app's team API with it.
     */
    async addTeammate(profile: { name: string; email: string; avatar_url: string }) {
      const invited = await server.store.createTeammate(
        { email: profile.email, name: profile.name, role: 'agent', apps: ['acme'] },
        Date.now(),
      );
      if (!invited) throw new Error(`a teammate already has the email ${profile.email}`);
      const password = `password-of-${invited.teammate.id}`;
      await call('POST', '/api/v1/auth/password', {}, { token: invited.link.token, password });
      const login = await call('POST', '/api/v1/auth/login', {}, { email: profile.email, password });
      const session = { cookie: login.headers.getSetCookie()[0]!.split(';')[0]!, origin: server.url };
      await call('PATCH', '/api/v1/me', session, { avatar_url: profile.avatar_url });
      const minted = await call<{ token: string }>('POST', '/api/v1/me/tokens', session, {
        name: 'e2e',
        apps: ['acme'],
      });
      return { id: invited.teammate.id, token: minted.body.token, team: teamApi(minted.body.token) };
    },
    async stop() {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export type Confab = Awaited<ReturnType<typeof startConfab>>;
