// The app the teammate last worked in, kept across visits: the inbox opens on it.
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
