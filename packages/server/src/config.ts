// The server's configuration from command-line flags, then environment variables, then defaults.
// Every option is one entry of OPTIONS: its flag, its environment variables, its help and its
// parser; `--help` and the parser are made from that table, so they cannot disagree.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel, type OperationsConfig } from './operations-config';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limits';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './request-timeout';
import { DEFAULT_STREAM_CAPS, type StreamCaps } from './stream-caps';
import { WIDGET_HELP } from './widget';

export interface ServerConfig extends OperationsConfig {
  port: number;
  host: string;
  /** A SQLite file path (or `:memory:`), or a postgres:// URL. */
  db: string;
  secret: string | undefined;
  teamToken: string;
  /** Where teammates reach the server (its origin, maybe a path): links that set a password, the CSRF check, Secure cookies. */
  publicUrl?: string;
  /** True when no team token was configured and one was made for this run. */
  teamTokenGenerated: boolean;
  corsOrigins: string[];
  rateLimits: RateLimits;
  teamName: string;
  greeting: string | undefined;
  /**
   * Whether to believe X-Forwarded-For (Fastify's trustProxy): false, true, a number of proxy
   * hops, or the proxies' addresses. Behind a reverse proxy, without it every visitor shares the
   * proxy's per-IP rate limit.
   */
  trustProxy: boolean | number | string;
  /** Open realtime streams per session (the oldest ends) and per client address (429). */
  streamCaps: StreamCaps;
  /** How long a request may take to arrive, headers and body; a stream's response is not cut by it. */
  requestTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * One option. `parse` gets the flag's value (a repeated flag's values joined by commas, a switch's
 * "true"), else the first environment variable set to a non-empty value, else undefined; and the
 * name it came from (`--port`, `CONFAB_PORT`), for its error message.
 */
export interface OptionSpec<T> {
  /** The environment variables read when the flag is absent, in order. */
  env: readonly string[];
  /** The value's placeholder in --help (`<n>`); absent for a switch, which takes no value. */
  arg?: string;
  help: string;
  /** The default as --help shows it. */
  default?: string;
  /** The flag may be given more than once. */
  multiple?: boolean;
  parse(value: string | undefined, source: string): T;
}

const option = <T>(spec: OptionSpec<T>) => spec;

function integer(min: number, max: number, fallback: number) {
  return (value: string | undefined, source: string): number => {
    if (value === undefined) return fallback;
    const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(`${source} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return n;
  };
}

function text(fallback: string) {
  return (value: string | undefined) => value ?? fallback;
}

function optionalText(value: string | undefined) {
  return value;
}

/** A secret: at least 16 characters, so a guess or a typo is not one. */
function secretText(value: string | undefined, source: string): string | undefined {
  if (value !== undefined && value.length < 16) throw new ConfigError(`${source} must be at least 16 characters`);
  return value;
}

function origins(value: string | undefined, source: string): string[] {
  const list = (value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        `${source} must be * or an origin like https://example.com (scheme and host, no path), got ${JSON.stringify(origin)}`,
      );
    }
  }
  return list;
}

function trustProxy(value: string | undefined, source: string): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return integer(1, 100, 0)(value, source);
  const addresses = value.split(',').map((a) => a.trim());
  if (addresses.some((a) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a))) {
    throw new ConfigError(
      `${source} must be true, false, a number of hops or comma-separated addresses/CIDRs, got ${JSON.stringify(value)}`,
    );
  }
  return addresses.join(',');
}

function publicUrl(value: string | undefined, source: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password)
    throw new ConfigError(
      `${source} must be an http(s) URL like https://support.example.com (no query, fragment or credentials), got ${JSON.stringify(value)}`,
    );
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function logLevel(value: string | undefined, source: string): LogLevel {
  if (value === undefined) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value))
    throw new ConfigError(`${source} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(value)}`);
  return value as LogLevel;
}

/** The maintenance commands, beside the options in --help (admin-commands.ts runs them). */
export const ADMIN_USAGE = `confab-server migrate [--db <path|url>]
  Applies the database's pending migrations and exits (the server also does at start).
  Refuses a database a newer version migrated.

confab-server backup <file> [--db <path>]
  Copies a SQLite database to <file> while the server runs (SQLite's online backup API).
  For PostgreSQL use pg_dump (docs/production.md).

confab-server teammate add --email <address> --name <name> --role admin|agent [--app <id>]... [--db <path|url>] [--public-url <url>]
  Makes a teammate (the first admin, who invites the others through the API) reaching the apps
  named by --app (repeatable; none: every app), and prints a one-time link, valid 7 days, that
  sets their password. The link starts with --public-url, else the address the server listens on
  (--host and --port, as for the server).

--db defaults to CONFAB_DB, then DATABASE_URL, then ./confab.sqlite, as for the server.`;

/** Every option of `confab-server`, by flag (without its leading --). */
export const OPTIONS = {
  port: option({
    env: ['CONFAB_PORT', 'PORT'],
    arg: '<n>',
    help: 'port to listen on; 0 picks a free one',
    default: '8787',
    parse: integer(0, 65535, 8787),
  }),
  host: option({
    env: ['CONFAB_HOST'],
    arg: '<addr>',
    help: 'address to listen on (0.0.0.0 or :: for every interface)',
    default: '127.0.0.1',
    parse: text('127.0.0.1'),
  }),
  db: option({
    env: ['CONFAB_DB', 'DATABASE_URL'],
    arg: '<path|url>',
    help: 'SQLite file, or postgres://… for PostgreSQL',
    default: 'confab.sqlite',
    parse: text('confab.sqlite'),
  }),
  secret: option({
    env: ['CONFAB_SECRET'],
    arg: '<s>',
    help: 'identity verification secret, 16+ characters: a boot naming a user then needs intercom_user_jwt or user_hash',
    parse: secretText,
  }),
  'team-token': option({
    env: ['CONFAB_TEAM_TOKEN'],
    arg: '<t>',
    help: 'bearer token of the team API, 16+ characters, acting as the built-in teammate `team-token` (an agent of every app); teammates’ own API tokens replace it',
    default: 'made and printed at start',
    parse: secretText,
  }),
  'public-url': option({
    env: ['CONFAB_PUBLIC_URL'],
    arg: '<url>',
    help: 'where teammates reach this server (https://support.example.com): the base of the links that set a password, an origin cookie-signed writes may come from, and Secure cookies when https',
    default: 'the address a request reached',
    parse: publicUrl,
  }),
  'cors-origin': option({
    env: ['CONFAB_CORS_ORIGINS'],
    arg: '<origin>',
    help: 'a site allowed to call the messenger API from its pages (https://shop.example), or * for any; repeatable, comma-separated in the variable',
    default: 'none',
    multiple: true,
    parse: origins,
  }),
  'rate-limit-ip': option({
    env: ['CONFAB_RATE_LIMIT_IP'],
    arg: '<n>',
    help: 'requests per minute per client address',
    default: String(DEFAULT_RATE_LIMITS.perIp),
    parse: integer(1, 1_000_000, DEFAULT_RATE_LIMITS.perIp),
  }),
  'rate-limit-session': option({
    env: ['CONFAB_RATE_LIMIT_SESSION'],
    arg: '<n>',
    help: 'requests per minute per session',
    default: String(DEFAULT_RATE_LIMITS.perSession),
    parse: integer(1, 1_000_000, DEFAULT_RATE_LIMITS.perSession),
  }),
  'rate-limit-login-account': option({
    env: ['CONFAB_RATE_LIMIT_LOGIN_ACCOUNT'],
    arg: '<n>',
    help: 'teammates’ sign-in attempts per 15 minutes per account (a successful one is given back)',
    default: String(DEFAULT_RATE_LIMITS.loginPerAccount),
    parse: integer(1, 1_000_000, DEFAULT_RATE_LIMITS.loginPerAccount!),
  }),
  'rate-limit-login-ip': option({
    env: ['CONFAB_RATE_LIMIT_LOGIN_IP'],
    arg: '<n>',
    help: 'teammates’ sign-in attempts per 15 minutes per client address (a successful one is given back)',
    default: String(DEFAULT_RATE_LIMITS.loginPerIp),
    parse: integer(1, 1_000_000, DEFAULT_RATE_LIMITS.loginPerIp!),
  }),
  'team-name': option({
    env: ['CONFAB_TEAM_NAME'],
    arg: '<s>',
    help: 'the team’s name, shown in the messenger',
    default: 'Confab',
    parse: text('Confab'),
  }),
  greeting: option({ env: ['CONFAB_GREETING'], arg: '<s>', help: 'the messenger’s greeting', parse: optionalText }),
  'trust-proxy': option({
    env: ['CONFAB_TRUST_PROXY'],
    arg: '<v>',
    help: 'behind a reverse proxy: true, a number of hops, or the proxies’ addresses (comma-separated), so X-Forwarded-For names the visitor',
    default: 'false',
    parse: trustProxy,
  }),
  'max-streams-per-session': option({
    env: ['CONFAB_MAX_STREAMS_PER_SESSION'],
    arg: '<n>',
    help: 'open realtime streams per session; a newer one ends the oldest',
    default: String(DEFAULT_STREAM_CAPS.perSession),
    parse: integer(1, 1_000, DEFAULT_STREAM_CAPS.perSession),
  }),
  'max-streams-per-ip': option({
    env: ['CONFAB_MAX_STREAMS_PER_IP'],
    arg: '<n>',
    help: 'open realtime streams per client address; past it, 429',
    default: String(DEFAULT_STREAM_CAPS.perIp),
    parse: integer(1, 1_000_000, DEFAULT_STREAM_CAPS.perIp),
  }),
  'request-timeout': option({
    env: ['CONFAB_REQUEST_TIMEOUT'],
    arg: '<s>',
    help: 'seconds a request may take to arrive (headers and body); 408 past it',
    default: String(DEFAULT_REQUEST_TIMEOUT_MS / 1000),
    parse: integer(1, 3_600, DEFAULT_REQUEST_TIMEOUT_MS / 1000),
  }),
  'metrics-token': option({
    env: ['CONFAB_METRICS_TOKEN'],
    arg: '<t>',
    help: 'bearer token of GET /metrics (Prometheus), 16+ characters; without one there is no /metrics',
    default: 'none',
    parse: secretText,
  }),
  'log-level': option({
    env: ['CONFAB_LOG_LEVEL'],
    arg: '<level>',
    help: `${LOG_LEVELS.join(', ')}: JSON lines on stderr, one per request at info`,
    default: 'info',
    parse: logLevel,
  }),
} satisfies Record<string, OptionSpec<unknown>>;

/** The same table, each entry as the general type (for the loops over it). */
const SPECS: Record<string, OptionSpec<unknown>> = OPTIONS;

export type OptionValues = { [K in keyof typeof OPTIONS]: ReturnType<(typeof OPTIONS)[K]['parse']> };

/** Words filled into lines of at most `width` characters, each line indented. */
function wrap(text: string, indent: string, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].map((l) => indent + l).join('\n');
}

function usage(): string {
  const rows = Object.entries(SPECS).map(([flag, spec]) => {
    const details = [
      `env ${spec.env.join(' or ')}`,
      ...(spec.default !== undefined ? [`default ${spec.default}`] : []),
    ].join('; ');
    return `  --${flag}${spec.arg ? ` ${spec.arg}` : ''}\n${wrap(`${spec.help} (${details})`, '      ')}`;
  });
  return [
    'Usage: confab-server [options]',
    '',
    "Confab's server: the messenger API, its realtime stream, the team API and the widget's script.",
    'Each option may also come from its environment variable; a flag wins over the variable.',
    '',
    'Options:',
    ...rows,
    '  -h, --help',
    '      this text',
    '',
    ADMIN_USAGE,
    '',
    WIDGET_HELP,
  ].join('\n');
}

export const USAGE = usage();

/** parseArgs' own errors, as one line naming the option. */
function argumentError(error: unknown): ConfigError {
  const { code, message } = error as { code?: string; message: string };
  const named = /'(?:-\w, )?(--?[\w-]+)/.exec(message)?.[1];
  const hint = ' (confab-server --help lists the options)';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && named) return new ConfigError(`unknown option ${named}${hint}`);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']*)'/.exec(message)?.[1];
    return new ConfigError(`unexpected argument ${JSON.stringify(argument ?? '')}: options start with --${hint}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && named) {
    const flag = named.replace(/^--?/, '');
    const arg = SPECS[flag]?.arg;
    if (arg)
      return new ConfigError(
        `--${flag} needs a value (--${flag} ${arg}; --${flag}=<value> for one that starts with -)`,
      );
    return new ConfigError(`${named} takes no value${hint}`);
  }
  return new ConfigError(`${message.split('\n')[0]}${hint}`);
}

/** The options' values from `argv`, then `env`, then their defaults; 'help' when asked for it. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): OptionValues | 'help' {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      // pnpm 10 passes the `--` of `pnpm start -- --port 9000` through.
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: {
        ...Object.fromEntries(
          Object.entries(SPECS).map(([flag, spec]) => [
            flag,
            { type: spec.arg ? 'string' : 'boolean', multiple: spec.multiple ?? false } as const,
          ]),
        ),
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw argumentError(error);
  }
  if (values.help) return 'help';
  const result: Record<string, unknown> = {};
  for (const flag of Object.keys(SPECS)) {
    const given = values[flag];
    result[flag] = optionValue(
      flag as keyof typeof OPTIONS,
      given === undefined ? undefined : Array.isArray(given) ? given.join(',') : String(given),
      env,
    );
  }
  return result as OptionValues;
}

/**
 * One option's value: the flag's (`given`, a repeated flag's values joined by commas), else the
 * first of its environment variables set to a non-empty value, else its default.
 */
export function optionValue<K extends keyof typeof OPTIONS>(
  flag: K,
  given: string | undefined,
  env: NodeJS.ProcessEnv,
): OptionValues[K] {
  const spec = SPECS[flag]!;
  if (given !== undefined) return spec.parse(given, `--${flag}`) as OptionValues[K];
  const variable = spec.env.find((name) => env[name] !== undefined && env[name] !== '');
  return spec.parse(variable ? env[variable] : undefined, variable ?? `--${flag}`) as OptionValues[K];
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig | 'help' {
  const options = parseOptions(argv, env);
  if (options === 'help') return 'help';
  const teamToken = options['team-token'];
  return {
    port: options.port,
    host: options.host,
    db: options.db,
    secret: options.secret,
    teamToken: teamToken ?? randomBytes(24).toString('base64url'),
    teamTokenGenerated: teamToken === undefined,
    ...(options['public-url'] !== undefined ? { publicUrl: options['public-url'] } : {}),
    corsOrigins: options['cors-origin'],
    rateLimits: {
      perIp: options['rate-limit-ip'],
      perSession: options['rate-limit-session'],
      windowMs: DEFAULT_RATE_LIMITS.windowMs,
      loginPerAccount: options['rate-limit-login-account'],
      loginPerIp: options['rate-limit-login-ip'],
    },
    teamName: options['team-name'],
    greeting: options.greeting,
    trustProxy: options['trust-proxy'],
    streamCaps: { perSession: options['max-streams-per-session'], perIp: options['max-streams-per-ip'] },
    requestTimeoutMs: 1000 * options['request-timeout'],
    ...(options['metrics-token'] !== undefined ? { metricsToken: options['metrics-token'] } : {}),
    logLevel: options['log-level'],
  };
}
