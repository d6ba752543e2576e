// The apps a teammate can open, and the one they last worked in, kept across visits: the inbox
// opens on it.
import type { Teammate } from '@confab/server';
import { api } from './api/client';

/** Whether the teammate reaches every app (`*`), not a list of them. */
export const reachesEveryApp = (teammate: Teammate | null | undefined): boolean =>
  teammate?.apps.includes('*') ?? false;

/**
 * The apps a teammate can open: their own list, or for one who reaches every app the apps that
 * hold contacts (GET /api/v1/apps; rejects when that fails).
 */
export async function openableApps(teammate: Teammate | null | undefined): Promise<string[]> {
  if (!reachesEveryApp(teammate)) return (teammate?.apps ?? []).filter((app) => app !== '*');
  const { apps } = await api<{ apps: { id: string }[] }>('GET', '/api/v1/apps');
  return apps.map((app) => app.id);
}

const KEY = 'confab.inbox.last-app';

/** The app remembered in this browser, read now (a sign this browser has been signed in). */
export function rememberedAppId(): string | undefined {
  try {
    return localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: nothing remembered
  }
}

class LastApp {
  id = $state<string | undefined>(typeof localStorage === 'undefined' ? undefined : rememberedAppId());

  remember(appId: string): void {
    this.id = appId;
    try {
      localStorage.setItem(KEY, appId);
    } catch {
      // storage disabled or full: remembered for this page only
    }
  }
}

export const lastApp = new LastApp();
