// `confab-server` as an operator meets it (src/command-line.ts in a process of its own): --help
// lists every option with its environment variable; a bad flag or value is one line on stderr,
// exit code 2, and nothing started or written.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTIONS, type OptionSpec, parseConfig } from '../src/config';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const commandLine = join(import.meta.dirname, '..', 'src', 'command-line.ts');
const folder = mkdtempSync(join(tmpdir(), 'confab-command-line-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function confabServer(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Only PATH and HOME from this environment: a CONFAB_* variable of the machine must not leak in.
  const child = spawn(process.execPath, ['--conditions=source', '--import', tsxLoader, commandLine, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('confab-server --help', () => {
  it('lists every option, its environment variables and its default', async () => {
    const { code, stdout, stderr } = await confabServer(['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const options = Object.entries(OPTIONS as Record<string, OptionSpec<unknown>>);
    expect(options.length).toBeGreaterThanOrEqual(14);
    for (const [flag, spec] of options) {
      const entry = stdout
        .slice(stdout.indexOf(`\n  --${flag}`), stdout.indexOf('\n  -', stdout.indexOf(`\n  --${flag}`) + 3))
        .replace(/\s+/g, ' ');
      expect(entry).toContain(`--${flag}${spec.arg ? ` ${spec.arg}` : ''}`);
      expect(entry).toContain(`env ${spec.env.join(' or ')}`);
      if (spec.default !== undefined) expect(entry).toContain(`default ${spec.default}`);
    }
    // How to pin the widget with its integrity.
    expect(stdout).toMatch(/confab\.<hash>\.js/);
    expect(stdout).toMatch(/integrity="sha384-…" crossorigin="anonymous"/);
    expect((await confabServer(['-h'])).stdout).toBe(stdout);
  });

  it('every environment variable it names is read', () => {
    for (const [flag, spec] of Object.entries(OPTIONS as Record<string, OptionSpec<unknown>>)) {
      for (const variable of spec.env) {
        // A value no option accepts whole: an option that reads the variable refuses it, naming the variable.
        const bad =
          flag === 'cors-origin'
            ? 'not an origin'
            : flag === 'trust-proxy'
              ? 'x y'
              : flag === 'secret' || flag === 'team-token'
                ? 'short'
                : 'x';
        let named: string | undefined;
        try {
          parseConfig([], { [variable]: bad });
        } catch (error) {
          named = (error as Error).message.split(' ')[0];
        }
        // Free-text options take anything: their variable shows up in the result instead.
        if (named === undefined) expect(JSON.stringify(parseConfig([], { [variable]: bad }))).toContain(`"${bad}"`);
        else expect(named).toBe(variable);
      }
    }
  });
});

describe('confab-server with a bad flag or value', () => {
  it('prints one line naming it and exits with code 2, creating no database', async () => {
    const db = join(folder, 'never.sqlite');
    const cases: Array<{ args: string[]; env?: Record<string, string>; line: RegExp }> = [
      {
        args: ['--prot', '9000'],
        line: /^confab-server: unknown option --prot \(confab-server --help lists the options\)$/,
      },
      { args: ['--port'], line: /^confab-server: --port needs a value/ },
      { args: ['--port', 'eighty'], line: /^confab-server: --port must be an integer from 0 to 65535, got "eighty"$/ },
      {
        args: [],
        env: { CONFAB_PORT: '70000' },
        line: /^confab-server: CONFAB_PORT must be an integer from 0 to 65535, got "70000"$/,
      },
      {
        args: ['--cors-origin', 'https://shop.example/path'],
        line: /^confab-server: --cors-origin must be \* or an origin/,
      },
      { args: ['start'], line: /^confab-server: unexpected argument "start"/ },
      { args: ['--help=yes'], line: /^confab-server: --help takes no value/ },
    ];
    const results = await Promise.all(cases.map(({ args, env }) => confabServer([...args, '--db', db], env)));
    results.forEach(({ code, stdout, stderr }, i) => {
      const { args, line } = cases[i]!;
      expect({ args, code, stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(stderr.endsWith('\n') && !stderr.slice(0, -1).includes('\n')).toBe(true);
      expect(stderr.trimEnd()).toMatch(line);
    });
    expect(existsSync(db)).toBe(false);
  });
});
