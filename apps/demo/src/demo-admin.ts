// The demo's admin: made on the demo's first start so the inbox can be opened at once, with a
// random password kept beside the database (git-ignored .confab/), and printed at every start.
// Idempotent: a later start finds the admin and prints the same password; when that file is gone,
// it prints a one-time link that sets a new one instead.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { RunningServer } from '@confab/server';

export const DEMO_ADMIN_EMAIL = 'admin@demo.example';
export const DEMO_ADMIN_NAME = 'Demo Admin';

export interface DemoAdmin {
  email: string;
  /** The password set at the first start (unless changed since in the inbox's settings). */
  password?: string;
  /** Instead of the password, when it is not known: the link that sets a new one. */
  passwordLink?: string;
  /** Whether this start made the admin. */
  created: boolean;
}

function readPassword(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { email?: unknown; password?: unknown };
    return saved.email === DEMO_ADMIN_EMAIL && typeof saved.password === 'string' ? saved.password : undefined;
  } catch {
    return undefined;
  }
}

async function setPassword(server: RunningServer, token: string, password: string): Promise<void> {
  const answer = await fetch(`${server.url}/api/v1/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password }),
  });
  if (answer.status !== 200) throw new Error(`setting the demo admin's password failed: ${answer.status}`);
}

/** Makes the demo's admin if missing (its password saved in `credentialsFile`); says how to sign in. */
export async function seedDemoAdmin(server: RunningServer, credentialsFile: string): Promise<DemoAdmin> {
  const now = Date.now();
  const existing = await server.store.teammateForLogin(DEMO_ADMIN_EMAIL);
  if (!existing) {
    const created = await server.store.createTeammate(
      { email: DEMO_ADMIN_EMAIL, name: DEMO_ADMIN_NAME, role: 'admin', apps: ['*'] },
      now,
    );
    if (!created) {
      // Taken by a deactivated teammate: leave it to whoever deactivated it.
      return { email: DEMO_ADMIN_EMAIL, created: false };
    }
    const password = randomBytes(12).toString('base64url');
    await setPassword(server, created.link.token, password);
    writeFileSync(credentialsFile, `${JSON.stringify({ email: DEMO_ADMIN_EMAIL, password }, null, 2)}\n`, {
      mode: 0o600,
    });
    return { email: DEMO_ADMIN_EMAIL, password, created: true };
  }
  const password = readPassword(credentialsFile);
  if (password !== undefined) return { email: DEMO_ADMIN_EMAIL, password, created: false };
  const link = await server.store.createPasswordLink(existing.teammate.id, now);
  return {
    email: DEMO_ADMIN_EMAIL,
    ...(link ? { passwordLink: `${server.url}/inbox/set-password#token=${encodeURIComponent(link.token)}` } : {}),
    created: false,
  };
}
