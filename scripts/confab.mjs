#!/usr/bin/env node
// The one entry behind `npm start` and `npm test`. A fresh machine has only Node and npm, so this
// brings pnpm at the version package.json pins (corepack cannot verify the signatures of the
// registry these machines reach), installs the workspace, then does the asked-for task.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = String(manifest.packageManager).replace(/^pnpm@/, '');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function installedPnpmVersion() {
  const probe = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** pnpm as a command line: the one on PATH when it is the pinned version, else through npx. */
function pnpmCommand() {
  if (installedPnpmVersion() === pnpmVersion) return ['pnpm'];
  return ['npx', '--yes', `pnpm@${pnpmVersion}`];
}

function pnpm(args) {
  const [command, ...prefix] = pnpmCommand();
  return run(command, [...prefix, ...args]);
}

function exitOnFailure(status) {
  if (status !== 0) process.exit(status);
}

/**
 * The browser tests drive Debian's Chromium (no browser can be downloaded here). On a Debian or
 * Ubuntu machine it is installed with apt when missing; elsewhere, CHROMIUM_PATH names one.
 */
function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return 0;
  if (!existsSync('/usr/bin/apt-get')) {
    console.error(`confab: the browser tests need Chromium at ${path}; install it or set CHROMIUM_PATH`);
    return 1;
  }
  console.log('confab: installing Chromium for the browser tests (apt-get install chromium)');
  return aptInstall('chromium');
}

let aptUpdated = false;
/** Installs Debian packages, as root or through sudo; the package lists are refreshed once. */
function aptInstall(...packages) {
  const apt = (...args) =>
    process.getuid?.() === 0
      ? run('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
      : run('sudo', ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]);
  if (!aptUpdated) {
    const updated = apt('update', '-qq');
    if (updated !== 0) return updated;
    aptUpdated = true;
  }
  return apt('install', '-y', '-qq', ...packages);
}

/**
 * The server's suite also runs on PostgreSQL: its tests start a throwaway server from Debian's
 * binaries (packages/server/test/postgres-server.ts), installed here when missing. With
 * CONFAB_TEST_DATABASE_URL the tests use that server instead and nothing is installed.
 */
function ensurePostgres() {
  if (process.env.CONFAB_TEST_DATABASE_URL) return 0;
  const root = '/usr/lib/postgresql';
  if (existsSync(root) && readdirSync(root).some((version) => existsSync(join(root, version, 'bin', 'initdb')))) return 0;
  if (!existsSync('/usr/bin/apt-get')) {
    console.error("confab: the server's PostgreSQL tests need PostgreSQL's binaries (initdb, pg_ctl) or CONFAB_TEST_DATABASE_URL");
    return 1;
  }
  console.log("confab: installing PostgreSQL for the server's tests (apt-get install postgresql)");
  return aptInstall('postgresql');
}

const [task, ...rest] = process.argv.slice(2);
const tasks = {
  install: () => pnpm(['install', '--frozen-lockfile']),
  test: () => {
    exitOnFailure(tasks.install());
    exitOnFailure(ensureChromium());
    exitOnFailure(ensurePostgres());
    exitOnFailure(pnpm(['run', 'typecheck']));
    // The packages as they would be published (build, publint, attw); skipped when only some
    // tests are asked for (`npm test -- <vitest args>`).
    if (rest.length === 0) exitOnFailure(run('node', [join(root, 'scripts', 'check-packages.mjs')]));
    return pnpm(['exec', 'vitest', 'run', ...rest]);
  },
  start: () => {
    exitOnFailure(tasks.install());
    // The demo: the server on an embedded SQLite file in .confab/ (git-ignored, so a restart keeps
    // the data), the widget built, the site and team pages served; it prints their URLs.
    mkdirSync(join(root, '.confab'), { recursive: true });
    return pnpm(['--filter', '@confab/demo', 'run', 'start', '--db', join(root, '.confab', 'confab.sqlite'), ...rest]);
  },
};

if (!task || !(task in tasks)) {
  console.error(`usage: node scripts/confab.mjs <${Object.keys(tasks).join('|')}> [args...]`);
  process.exit(2);
}
process.exit(tasks[task]());
