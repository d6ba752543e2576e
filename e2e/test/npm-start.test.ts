// `npm start` (scripts/confab.mjs) as a person runs it in a terminal: Ctrl-C (SIGINT to the whole
// foreground process group) ends it quietly with exit code 0, and a second `npm start` while one
// runs says so in one line before it touches anything. The widget is built by this project's
// global setup, so the demo starts without building it. (A demo already running from this
// checkout makes the first start refuse, with that line.)
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'confab-npm-start-'));
const started: ChildProcess[] = [];

afterAll(() => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start -- <args>` as the leader of a process group of its own, as a terminal runs a job. */
function npmStart(args: string[]): Run {
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

const widget = join(repoRoot, 'packages', 'dom', 'dist', 'confab.js');
const pages = join(repoRoot, 'apps', 'demo', 'dist', 'pages', 'vue', 'app.js');
const lock = join(repoRoot, '.confab', 'demo.pid');

describe('npm start', () => {
  it('refuses a second start while one runs, then Ctrl-C ends the first quietly with exit code 0', async () => {
    // What a demo that was killed leaves behind: a lock naming a process that is gone.
    if (!existsSync(lock)) {
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      }).stdout;
      mkdirSync(join(repoRoot, '.confab'), { recursive: true });
      writeFileSync(lock, JSON.stringify({ pid: Number(gone), since: '2026-01-01T00:00:00.000Z' }));
    }
    const first = npmStart(['--port', '0', '--db', join(folder, 'first.sqlite')]);
    await expect.poll(first.output, { timeout: 120_000 }).toMatch(/Ctrl-C stops the server/);
    const site = /Site \(the visitor's side\)\s+(http:\/\/\S+)/.exec(first.output())![1]!;
    const before = { widget: statSync(widget).mtimeMs, pages: statSync(pages).mtimeMs };

    const second = npmStart(['--port', '0', '--db', join(folder, 'second.sqlite')]);
    expect((await second.exited).code).toBe(1);
    const lines = second
      .output()
      .split('\n')
      .filter((line) => line.startsWith('confab'));
    expect(lines).toEqual([
      expect.stringMatching(
        /^confab: the demo is already running from this checkout \(process \d+, since .+\); stop it first/,
      ),
    ]);
    expect(second.output()).not.toMatch(/Already up to date|Build|ERR_/);
    // Nothing of the running demo was rebuilt under it, and it still serves.
    expect({ widget: statSync(widget).mtimeMs, pages: statSync(pages).mtimeMs }).toEqual(before);
    expect((await fetch(`${site}confab.js`)).status).toBe(200);
    expect(existsSync(join(folder, 'second.sqlite'))).toBe(false);

    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    const afterStart = first.output().slice(first.output().indexOf('Ctrl-C stops the server'));
    expect(afterStart).toMatch(/confab demo: SIGINT, closing/);
    expect(afterStart).not.toMatch(/ERR_|error|failed/i);
    expect(existsSync(lock)).toBe(false);
  }, 180_000);
});
