// The whole inbox rendered into happy-dom for a test, and nothing of it left for the next one:
// importing this registers the clean-up after each test (the app unmounted, the page emptied, the
// session ended on the server, localStorage cleared).
import { flushSync, mount, unmount } from 'svelte';
import { afterEach } from 'vitest';
import App from '../src/App.svelte';
import { navigate } from '../src/router.svelte';
import { session } from '../src/session.svelte';
import { openPage } from './real-server';

let app: ReturnType<typeof mount> | undefined;

/** Mounts the inbox as it is, into an empty page: what a reload of the same URL shows. */
export function remountInbox(): void {
  closeInbox();
  const target = document.createElement('div');
  document.body.append(target);
  app = mount(App, { target });
  flushSync();
}

/** Opens the inbox at `path` on the real server's origin. */
export function openInbox(path: string): void {
  openPage(path);
  navigate(path, { replace: true });
  remountInbox();
}

/** Unmounts the inbox and empties the page (the session stays). */
export function closeInbox(): void {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
}

afterEach(async () => {
  closeInbox();
  if (session.status === 'signed-in') await session.signOut().catch(() => {});
  localStorage.clear();
});
