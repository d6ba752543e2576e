// `confab-server` as a process of its own (src/command-line.ts), so a test can SIGKILL it: no shutdown
// code runs, as when a machine dies.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { type TestDatabase, testDatabase } from './backend';
import { TEAM_TOKEN } from './server-harness';

const require = createRequire(import.meta.url);
// tsx as a loader inside the server's own Node process: tsx's CLI would run the server in a
// grandchild, and SIGKILL would hit only the wrapper while the server lived on.
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const commandLine = join(import.meta.dirname, '..', 'src', 'command-line.ts');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<NodeJS.Signals | null>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with its exit code and signal once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a server process on a free port on `db` (SQLite file or postgres:// URL); resolves with its URL. Later flags win. */
export function startServerProcess(
  db: string,
  children: ChildProcess[],
  extraArgs: string[] = [],
): Promise<ServerProcess> {
  // Failures only in the log, as the benchmarks measured before request lines existed; a test of the log asks for more.
  const args = [
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
    '--max-streams-per-ip',
    '1000000',
    '--log-level',
    'warn',
    ...extraArgs,
  ];
  const child = spawn(process.execPath, ['--conditions=source', '--import', tsxLoader, commandLine, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let output = '';
    let started = false;
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match && !started) {
        started = true;
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          child,
          kill: () => {
            child.kill('SIGKILL');
            return exited.then(({ signal }) => signal);
          },
          output: () => output,
          exited,
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${output}`));
    });
  });
}

/** Runs `confab-server <args>` to its end (a maintenance command, or a start that fails): its exit code and output. */
export function runServerCommand(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', tsxLoader, commandLine, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`confab-server ${args.join(' ')} did not end: ${stdout}${stderr}`));
    }, 30_000);
    // 'close', not 'exit': its output is all read by then.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A test file's scratch folder, its throwaway database (made before its tests) and the server
 * processes it starts (push them on `children`): all killed and removed after its tests.
 */
export function processTestBed(name: string): {
  folder: string;
  children: ChildProcess[];
  readonly database: TestDatabase;
} {
  const folder = mkdtempSync(join(tmpdir(), `confab-${name}-`));
  const children: ChildProcess[] = [];
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await testDatabase(folder);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await database?.drop();
    rmSync(folder, { recursive: true, force: true });
  });
  return {
    folder,
    children,
    get database() {
      if (!database) throw new Error('the database is made before the tests run');
      return database;
    },
  };
}
