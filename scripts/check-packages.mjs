#!/usr/bin/env node
// Checks what each publishable package would ship, as a user's resolver sees it: builds them,
// then publint (package.json against the packed files) and attw (are the types right for Node's
// and bundlers' resolution) on each. Part of `npm test`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// attw's node16 profile: Node 10's resolution ignores `exports`, and no supported runtime uses it.
const PACKAGES = {
  core: [],
  // confab.js is the script for a <script> tag, not a module with types.
  dom: ['--exclude-entrypoints', 'confab.js'],
  vue: [],
  react: [],
  // svelte-package ships ESM only, with .svelte files whose types Svelte's tooling resolves.
  svelte: ['--ignore-rules', 'cjs-resolves-to-esm', 'internal-resolution-error'],
  server: [],
};

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

// The inbox too: its build is part of @confab/server's package (its inbox/ folder, served at /inbox).
let status = run('pnpm', ['-r', '--filter', './packages/*', '--filter', '@confab/inbox', 'build'], root);
for (const [name, attwOptions] of Object.entries(PACKAGES)) {
  if (status !== 0) break;
  const folder = join(root, 'packages', name);
  console.log(`check-packages: @confab/${name}`);
  status =
    run('pnpm', ['exec', 'publint', '--strict'], folder) ||
    run(
      'pnpm',
      ['exec', 'attw', '--pack', '.', '--profile', 'node16', '--format', 'table-flipped', ...attwOptions],
      folder,
    );
}
process.exit(status);
