// One real Confab server for the inbox's tests: `confab-server` as a process of its own (the tests
// run in happy-dom, whose browser resolution cannot load the server's Node modules), on SQLite in a
// temp folder. Its first admin is made as an operator makes one (`confab-server teammate add`, then
// the printed link's password set through the API); tests invite further teammates as that admin.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestProject } from 'vitest/node';

export const TEAM_TOKEN = 'inbox-tests-team-token-0123456789';

declare module 'vitest' {
  export interface ProvidedContext {
    inboxServer: { url: string; teamToken: string; admin: { email: string; password: string; name: string } };
  }
}

const serverPackage = join(import.meta.dirname, '..', '..', '..', 'packages', 'server');
const tsxLoader = pathToFileURL(createRequire(join(serverPackage, 'package.json')).resolve('tsx')).href;
const commandLine = join(serverPackage, 'src', 'command-line.ts');

function confabServer(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', tsxLoader, commandLine, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the process until `pattern` shows in its output (or it exits); resolves with the match. */
function waitForOutput(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what}: timed out; output: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const match = pattern.exec(output);
      if (match) resolve(match);
      else reject(new Error(`${what}: exited (${code}) with ${output}`));
    });
  });
}

export default async function setup(project: TestProject) {
  const folder = mkdtempSync(join(tmpdir(), 'confab-inbox-test-'));
  const db = join(folder, 'confab.sqlite');
  const admin = {
    email: 'root-admin@example.com',
    name: 'Root Admin',
    password: `pw-${randomBytes(12).toString('base64url')}`,
  };
  const [, link] = await waitForOutput(
    confabServer(['teammate', 'add', '--email', admin.email, '--name', admin.name, '--role', 'admin', '--db', db]),
    /#token=([\w-]+)/,
    'confab-server teammate add',
  );
  const server = confabServer([
    '--port',
    '0',
    '--db',
    db,
    '--team-token',
    TEAM_TOKEN,
    '--rate-limit-ip',
    '1000000',
    '--rate-limit-session',
    '1000000',
    '--rate-limit-login-ip',
    '1000000',
    '--rate-limit-login-account',
    '1000000',
    '--max-streams-per-ip',
    '1000000',
    '--log-level',
    'warn',
  ]);
  const [, url] = await waitForOutput(server, /listening on (http:\/\/\S+)/, 'confab-server');
  const set = await fetch(`${url}/api/v1/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: link, password: admin.password }),
  });
  if (set.status !== 200) throw new Error(`setting the admin's password failed: ${set.status} ${await set.text()}`);
  project.provide('inboxServer', { url: url!, teamToken: TEAM_TOKEN, admin });
  return async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    rmSync(folder, { recursive: true, force: true });
  };
}
