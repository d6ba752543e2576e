#!/usr/bin/env node
// The one entry behind `npm start` and `npm test`. A fresh machine has only Node and npm, so this
// brings pnpm at the version package.json pins (corepack cannot verify the signatures of the
// registry these machines reach), installs the workspace, then does the asked-for task.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = String(manifest.packageManager).replace(/^pnpm@/, '');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
    ...options,
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function installedPnpmVersion() {
  const probe = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

let pnpmPrefix;
/**
 * pnpm as a command line: the one on PATH when it is the pinned version. Otherwise the pinned one
 * through npx, and (on POSIX) a `pnpm` that runs it put first on PATH, so that every child
 * (check-packages.mjs, the tests that build a package) runs the same pnpm.
 */
function pnpmCommand() {
  if (pnpmPrefix) return pnpmPrefix;
  pnpmPrefix = ['pnpm'];
  if (installedPnpmVersion() === pnpmVersion) return pnpmPrefix;
  if (process.platform === 'win32') {
    pnpmPrefix = ['npx', '--yes', `pnpm@${pnpmVersion}`];
    return pnpmPrefix;
  }
  const bin = join(root, '.confab', 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'pnpm'), `#!/bin/sh\nexec npx --yes pnpm@${pnpmVersion} "$@"\n`, { mode: 0o755 });
  process.env.PATH = `${bin}${delimiter}${process.env.PATH}`;
  return pnpmPrefix;
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
  if (existsSync(root) && readdirSync(root).some((version) => existsSync(join(root, version, 'bin', 'initdb'))))
    return 0;
  if (!existsSync('/usr/bin/apt-get')) {
    console.error(
      "confab: the server's PostgreSQL tests need PostgreSQL's binaries (initdb, pg_ctl) or CONFAB_TEST_DATABASE_URL",
    );
    return 1;
  }
  console.log("confab: installing PostgreSQL for the server's tests (apt-get install postgresql)");
  return aptInstall('postgresql');
}

/** The newest modification time of the files under `path` (0 when it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * The widget's script for the demo pages, built when it is missing or older than what it is made
 * of (its sources, core's, the build's settings, the locked dependencies).
 */
function buildWidgetIfStale() {
  const dom = join(root, 'packages', 'dom');
  const script = join(dom, 'dist', 'confab.js');
  const inputs = [
    join(dom, 'src'),
    join(dom, 'package.json'),
    join(dom, 'tsup.config.ts'),
    join(root, 'packages', 'core', 'src'),
    join(root, 'pnpm-lock.yaml'),
  ];
  if (existsSync(script) && statSync(script).mtimeMs >= Math.max(...inputs.map(newest))) return 0;
  return pnpm(['--filter', '@confab/dom', 'run', 'build']);
}

/**
 * The inbox (apps/inbox), built into packages/server/inbox/ where the server serves it at /inbox,
 * when it is missing or older than what it is made of (its sources and settings, the server's
 * types it imports, the locked dependencies).
 */
function buildInboxIfStale() {
  const inbox = join(root, 'apps', 'inbox');
  const page = join(root, 'packages', 'server', 'inbox', 'index.html');
  const inputs = [
    join(inbox, 'src'),
    join(inbox, 'index.html'),
    join(inbox, 'package.json'),
    join(inbox, 'vite.config.ts'),
    join(root, 'pnpm-lock.yaml'),
  ];
  if (existsSync(page) && statSync(page).mtimeMs >= Math.max(...inputs.map(newest))) return 0;
  return pnpm(['--filter', '@confab/inbox', 'run', 'build']);
}

const DEMO_LOCK = join(root, '.confab', 'demo.pid');

/** Whether process `pid` is alive and is this script (a stale file's pid may belong to anything now). */
function isRunningDemo(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== 'EPERM') return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  return !existsSync(cmdline) || readFileSync(cmdline, 'utf8').includes('confab.mjs');
}

/**
 * One demo per checkout: a second would rebuild the widget and the pages under the running one
 * and then fail on its port. Claimed before anything is installed or built.
 */
function claimDemo() {
  mkdirSync(dirname(DEMO_LOCK), { recursive: true });
  for (;;) {
    try {
      writeFileSync(DEMO_LOCK, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }), { flag: 'wx' });
      process.on('exit', () => {
        try {
          if (JSON.parse(readFileSync(DEMO_LOCK, 'utf8')).pid === process.pid) unlinkSync(DEMO_LOCK);
        } catch {
          // gone already
        }
      });
      return true;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let running;
    try {
      running = JSON.parse(readFileSync(DEMO_LOCK, 'utf8'));
    } catch {
      running = undefined; // half-written or removed meanwhile: claim again
    }
    if (running && isRunningDemo(running.pid)) {
      console.error(
        `confab: the demo is already running from this checkout (process ${running.pid}, since ${running.since}); stop it first (Ctrl-C where it runs)`,
      );
      return false;
    }
    try {
      unlinkSync(DEMO_LOCK); // left by a demo that was killed
    } catch {
      // another start removed it first
    }
  }
}

/**
 * The demo server (apps/demo/src/main.ts) as this script's child, in the terminal's process group:
 * Ctrl-C reaches it directly and it closes; this script only waits (a SIGINT forwarded as well
 * would be a second one, which the demo takes as "exit now") and exits with its code, 0 after a
 * clean close. A SIGTERM sent to this script alone is passed on.
 */
function runDemo(args) {
  const demo = join(root, 'apps', 'demo');
  const tsx = pathToFileURL(createRequire(join(demo, 'package.json')).resolve('tsx')).href;
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', tsx, join(demo, 'src', 'main.ts'), ...args],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`confab: could not start the demo: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}

const [task, ...rest] = process.argv.slice(2);
const tasks = {
  install: () => pnpm(['install', '--frozen-lockfile']),
  test: () => {
    exitOnFailure(tasks.install());
    exitOnFailure(ensureChromium());
    exitOnFailure(ensurePostgres());
    // Biome: format and lint (biome.jsonc), core's layers among its rules; `pnpm format` fixes.
    exitOnFailure(pnpm(['run', 'lint']));
    exitOnFailure(pnpm(['run', 'typecheck']));
    // The packages as they would be published (build, publint, attw); skipped when only some
    // tests are asked for (`npm test -- <vitest args>`).
    if (rest.length === 0) exitOnFailure(run('node', [join(root, 'scripts', 'check-packages.mjs')]));
    // The browser tests and the inbox's size ratchet open the built inbox.
    exitOnFailure(buildInboxIfStale());
    return pnpm(['exec', 'vitest', 'run', ...rest]);
  },
  start: () => {
    if (!claimDemo()) return 1;
    exitOnFailure(tasks.install());
    exitOnFailure(buildWidgetIfStale());
    exitOnFailure(buildInboxIfStale());
    // The demo: the server on an embedded SQLite file in .confab/ (git-ignored, so a restart keeps
    // the data), the site pages and the inbox served; it prints their URLs and the inbox's sign-in. `pnpm start -- --port 9000`
    // hands over the `--` itself.
    const args = rest[0] === '--' ? rest.slice(1) : rest;
    return runDemo(['--db', join(root, '.confab', 'confab.sqlite'), ...args]);
  },
};

if (!task || !(task in tasks)) {
  console.error(`usage: node scripts/confab.mjs <${Object.keys(tasks).join('|')}> [args...]`);
  process.exit(2);
}
process.exit(await tasks[task]());
