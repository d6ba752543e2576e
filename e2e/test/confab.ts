import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseConfig, type RunningServer, startServer } from '@confab/server';
import { WIDGET_PATH } from './build-widget';

export const TEAM_TOKEN = 'e2e-team-token-0123456789abcdef';

/** A real Confab server on 127.0.0.1 with its own SQLite file, open to the given site origins. */
export async function startConfab(corsOrigins: string[]) {
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
    { staticRoots: [{ root: dirname(WIDGET_PATH), files: [basename(WIDGET_PATH)] }] },
  );
  // biome-ignore lint/suspicious/noExplicitAny: a test reads JSON answers by the shape it expects; the server's schemas are what the tests check, not this type.
  async function team<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${server.url}/api/v1/apps/acme${path}`, {
      method,
      headers: { authorization: `Bearer ${TEAM_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`team API ${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
  return {
    server,
    url: server.url,
    team,
    async stop() {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export type Confab = Awaited<ReturnType<typeof startConfab>>;
