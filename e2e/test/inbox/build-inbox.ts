// Builds the inbox (apps/inbox, Vite) into the server's package when its sources are newer than the
// build: the browser tests load the very files `confab-server` serves at /inbox, not a dev server.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INBOX_APP = fileURLToPath(new URL('../../../apps/inbox/', import.meta.url));
export const INBOX_BUILD = fileURLToPath(new URL('../../../packages/server/inbox/', import.meta.url));

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'test') continue;
    newest = Math.max(newest, newestChange(join(path, entry)));
  }
  return newest;
}

/** Whether the app exists at all: until then the inbox tests have nothing to drive. */
export function inboxAppExists(): boolean {
  return existsSync(join(INBOX_APP, 'package.json'));
}

export function ensureInboxBuilt(): void {
  if (!inboxAppExists()) throw new Error(`no inbox app at ${INBOX_APP}`);
  const built = join(INBOX_BUILD, 'index.html');
  const sources = ['src', 'index.html', 'package.json', 'vite.config.ts', 'public'].map((part) =>
    newestChange(join(INBOX_APP, part)),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources)) return;
  // Vite's own CLI from the inbox's dependencies, through this Node: no pnpm needed on PATH.
  const require = createRequire(join(INBOX_APP, 'package.json'));
  const viteRoot = dirname(require.resolve('vite/package.json'));
  const bin = (JSON.parse(readFileSync(join(viteRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin
    .vite!;
  execFileSync(process.execPath, [join(viteRoot, bin), 'build'], { cwd: INBOX_APP, stdio: 'pipe' });
  if (!existsSync(built)) throw new Error(`the inbox build did not produce ${built}`);
}
