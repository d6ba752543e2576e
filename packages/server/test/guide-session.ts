// Runs docs/production.md's commands as an operator would, on this machine: each shell line
// through bash (with `confab-server` the source command line), in a session whose variables carry
// from line to line; the machine's paths moved under a temporary folder; servers on free ports;
// `systemctl` acting on the guide's own unit and configuration file.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const commandLine = join(import.meta.dirname, '..', 'src', 'command-line.ts');
export const repoRoot = join(import.meta.dirname, '..', '..', '..');

export interface GuideBlock {
  /** The headings above it, outermost first (`## …`, `### …`). */
  headings: string[];
  language: string;
  text: string;
}

/** The fenced blocks of a Markdown page, with the headings they sit under. */
export function fencedBlocks(markdown: string): GuideBlock[] {
  const blocks: GuideBlock[] = [];
  const headings: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^(#{2,4}) (.+)$/.exec(line);
    if (heading) {
      headings.length = heading[1]!.length - 2;
      headings.push(heading[2]!);
      continue;
    }
    const fence = /^```(\w*)$/.exec(line);
    if (!fence) continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ headings: [...headings], language: fence[1]!, text: body.join('\n') });
  }
  return blocks;
}

/** A shell block's commands: continuation lines joined, a here-document kept with its command, comments and blank lines dropped. */
export function shellCommands(text: string): string[] {
  const commands: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let command = lines[i]!;
    if (command.trim() === '' || command.trim().startsWith('#')) continue;
    while (command.endsWith('\\') && i + 1 < lines.length)
      command = `${command.slice(0, -1)}${lines[++i]!.trimStart()}`;
    const hereDocument = /<<'?(\w+)'?/.exec(command);
    if (hereDocument) {
      const end = hereDocument[1]!;
      for (i++; i < lines.length && lines[i] !== end; i++) command += `\n${lines[i]}`;
      command += `\n${end}`;
    }
    commands.push(command);
  }
  return commands;
}

export interface RunningGuideServer {
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export interface GuideSessionOptions {
  /** Where /etc, /var/lib, /var/backups and /usr/local/bin of the guide go. */
  folder: string;
  /** The PostgreSQL server standing in for `db.internal:5432` (host:port), and its administrator's URL. */
  postgres?: { hostPort: string; adminUrl: string; bin: string };
  /** Variables the session starts with. */
  env?: Record<string, string>;
}

export class GuideSession {
  readonly env: Record<string, string>;
  /** Servers by the port the guide gave them (8787, 8788). */
  readonly servers = new Map<string, RunningGuideServer>();
  /** The output of each command run to its end, in order. */
  readonly transcript: Array<{ command: string; stdout: string; stderr: string }> = [];
  private unit: string | undefined;

  constructor(private readonly options: GuideSessionOptions) {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key, value]) => value !== undefined && !/^(CONFAB_|DATABASE_URL$|PORT$)/.test(key),
      ),
    ) as Record<string, string>;
    this.env = {
      ...inherited,
      ...(options.postgres ? { PATH: `${options.postgres.bin}:${inherited.PATH ?? ''}` } : {}),
      ...options.env,
    };
    for (const folder of ['etc', 'var/lib', 'var/backups', 'usr/local/bin'])
      mkdirSync(join(options.folder, folder), { recursive: true });
  }

  /** The guide's machine paths and addresses, as they are in this test. */
  rewrite(text: string): string {
    const { folder, postgres } = this.options;
    let out = text
      .replaceAll('/etc/systemd/system', join(folder, 'etc/systemd/system'))
      .replaceAll('/etc/confab', join(folder, 'etc/confab'))
      .replaceAll('/var/lib/confab', join(folder, 'var/lib/confab'))
      .replaceAll('/var/backups/confab', join(folder, 'var/backups/confab'))
      .replaceAll('/usr/local/bin/confab-server', join(folder, 'usr/local/bin/confab-server'))
      .replaceAll('/opt/confab', repoRoot);
    if (postgres)
      out = out
        .replaceAll('db.internal:5432', postgres.hostPort)
        .replace(/^sudo -u postgres psql /, `psql '${postgres.adminUrl}' `);
    const main = this.servers.get('8787');
    if (main) out = out.replaceAll('https://chat.shop.example', main.url);
    out = out.replace(
      /http:\/\/127\.0\.0\.1:(\d+)/g,
      (address, port: string) => this.servers.get(port)?.url ?? address,
    );
    return out.replace(/^sudo /, '');
  }

  /** The guide's systemd unit (its `[Service]` block), written where systemd would read it. */
  installUnit(unit: string): string {
    this.unit = this.rewrite(unit);
    const path = join(this.options.folder, 'etc/systemd/system/confab.service');
    mkdirSync(join(this.options.folder, 'etc/systemd/system'), { recursive: true });
    writeFileSync(path, this.unit);
    return path;
  }

  private prelude(exec: boolean): string {
    return `set -a\nconfab-server() { ${exec ? 'exec ' : ''}'${process.execPath}' --conditions=source --import '${tsxLoader}' '${commandLine}' "$@"; }\n`;
  }

  /** Runs one command of the guide to its end; throws with its output when it fails. */
  async run(command: string): Promise<{ stdout: string; stderr: string }> {
    const line = this.rewrite(command);
    const envFile = join(this.options.folder, 'session.env');
    rmSync(envFile, { force: true });
    const script = `${this.prelude(false)}${line}\nstatus=$?\nenv -0 > '${envFile}'\nexit $status\n`;
    const child = spawn('bash', ['-c', script], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    this.transcript.push({ command, stdout, stderr });
    if (code !== 0) throw new Error(`\`${command}\` (run as \`${line}\`) failed with ${code}:\n${stdout}${stderr}`);
    if (existsSync(envFile)) {
      const entries = readFileSync(envFile, 'utf8').split('\0').filter(Boolean);
      for (const key of Object.keys(this.env)) delete this.env[key];
      for (const entry of entries) {
        const at = entry.indexOf('=');
        const key = entry.slice(0, at);
        if (!['_', 'SHLVL', 'PWD', 'OLDPWD', 'status'].includes(key) && !key.startsWith('BASH_FUNC_'))
          this.env[key] = entry.slice(at + 1);
      }
    }
    return { stdout, stderr };
  }

  /** Starts a server as the command says (its --port is the name it keeps; it listens on a free one). */
  start(command: string, extraEnv: Record<string, string> = {}): Promise<RunningGuideServer> {
    const port = /--port (\d+)/.exec(command)?.[1] ?? extraEnv.CONFAB_PORT ?? this.env.CONFAB_PORT ?? '8787';
    const line = this.rewrite(command).replace(/--port \d+/, '--port 0');
    const child = spawn('bash', ['-c', `${this.prelude(true)}${line}`], {
      env: { ...this.env, ...extraEnv, CONFAB_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match && !this.servers.has(port)) {
          const server = { url: match[1]!, child, output: () => output, exited };
          this.servers.set(port, server);
          resolve(server);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then((code) => reject(new Error(`\`${command}\` exited (${code}) before listening:\n${output}`)));
    });
  }

  /** SIGTERM to the server the guide named by `port`; resolves with its exit code. */
  async stop(port: string): Promise<number | null> {
    const server = this.servers.get(port);
    if (!server) throw new Error(`no server on ${port} to stop`);
    server.child.kill('SIGTERM');
    const code = await server.exited;
    this.servers.delete(port);
    return code;
  }

  /** `systemctl start confab`: the unit's ExecStart, with its EnvironmentFile and StateDirectory. */
  async startService(): Promise<RunningGuideServer> {
    if (!this.unit) throw new Error('no unit installed');
    const setting = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(this.unit!)?.[1];
    const execStart = setting('ExecStart')!;
    const envFile = setting('EnvironmentFile');
    const env: Record<string, string> = {};
    if (envFile) {
      for (const line of readFileSync(envFile, 'utf8').split('\n')) {
        const match = /^([A-Z_]+)=(.*)$/.exec(line);
        if (match) env[match[1]!] = match[2]!;
      }
    }
    const state = setting('StateDirectory');
    if (state) mkdirSync(join(this.options.folder, 'var/lib', state), { recursive: true });
    // node running the built bin, as the guide installs it; here, the same command line from source.
    const bin = `/usr/bin/node ${join(repoRoot, 'packages/server/bin/confab-server.js')}`;
    if (!execStart.startsWith(bin)) throw new Error(`ExecStart is not ${bin}: ${execStart}`);
    const command = `confab-server${execStart.slice(bin.length)}`;
    return this.start(command, env);
  }

  async close(): Promise<void> {
    for (const server of this.servers.values()) server.child.kill('SIGKILL');
    this.servers.clear();
  }
}
