// @vitest-environment node
// The inbox's weight, a ratchet: the built JavaScript and CSS, gzipped at level 9, stay within
// size-budget.json. The build runs here, in a child process, into a folder of its own (the served
// build in packages/server/inbox/ is left alone); raising the budget is a change of its own, with
// its reason in the file's comment.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const budget = JSON.parse(readFileSync(new URL('../size-budget.json', import.meta.url), 'utf8')) as { gzip: number };
const inboxRoot = fileURLToPath(new URL('..', import.meta.url));
const viteBin = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');

let outDir: string;
const gzipped = { js: 0, css: 0 };

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'confab-inbox-size-'));
  const built = spawnSync(
    process.execPath,
    [viteBin, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: inboxRoot,
      encoding: 'utf8',
      // The build as `pnpm build` makes it: vitest's NODE_ENV=test would make Vite build Svelte's dev mode.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
  for (const file of filesUnder(outDir)) {
    const kind = file.endsWith('.js') ? 'js' : file.endsWith('.css') ? 'css' : null;
    if (kind) gzipped[kind] += gzipSync(readFileSync(file), { level: 9 }).length;
  }
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('the built inbox', () => {
  it('has its JavaScript and its CSS in files of their own', () => {
    expect(gzipped.js).toBeGreaterThan(0);
    expect(gzipped.css).toBeGreaterThan(0);
  });

  it(`stays within its gzip budget (${budget.gzip} bytes of JS and CSS, gzip level 9)`, () => {
    expect(gzipped.js + gzipped.css, `JS ${gzipped.js} B + CSS ${gzipped.css} B`).toBeLessThanOrEqual(budget.gzip);
  });
});
