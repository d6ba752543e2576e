// The server's configuration from command-line flags, then environment variables, then defaults.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limits';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './request-timeout';
import { DEFAULT_STREAM_CAPS, type StreamCaps } from './stream-caps';
import { OPERATIONS_OPTIONS, OPERATIONS_USAGE, parseOperationsConfig, type OperationsConfig } from './operations-config';

export interface ServerConfig extends OperationsConfig {
  port: number;
  host: string;
  /** A SQLite file path (or `:memory:`); PostgreSQL URLs arrive with the PostgreSQL store. */
  db: string;
  secret: string | undefined;
  teamToken: string;
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

export const USAGE = `confab-server [options]

  --port <n>             port to listen on            (CONFAB_PORT or PORT, default 8787)
  --host <addr>          address to listen on         (CONFAB_HOST, default 127.0.0.1)
  --db <path|url>        SQLite file, or postgres://… for PostgreSQL  (CONFAB_DB or DATABASE_URL, default ./confab.sqlite)
  --secret <s>           identity verification secret: intercom_user_jwt or user_hash required  (CONFAB_SECRET)
  --team-token <t>       bearer token of the team API (CONFAB_TEAM_TOKEN, default: made and printed)
  --cors-origin <o>      an origin allowed to call the messenger API, repeatable, * for any
                                                      (CONFAB_CORS_ORIGINS, comma-separated)
  --rate-limit-ip <n>    requests per minute per IP   (CONFAB_RATE_LIMIT_IP, default ${DEFAULT_RATE_LIMITS.perIp})
  --rate-limit-session <n> requests per minute per session (CONFAB_RATE_LIMIT_SESSION, default ${DEFAULT_RATE_LIMITS.perSession})
  --team-name <s>        shown in the messenger       (CONFAB_TEAM_NAME, default Confab)
  --greeting <s>         the messenger's greeting     (CONFAB_GREETING)
  --trust-proxy <v>      behind a reverse proxy: true, a number of hops, or the proxies'
                         addresses (comma-separated); default false   (CONFAB_TRUST_PROXY)
  --max-streams-per-session <n> open realtime streams per session; a newer one ends the oldest
                         (CONFAB_MAX_STREAMS_PER_SESSION, default ${DEFAULT_STREAM_CAPS.perSession})
  --max-streams-per-ip <n> open realtime streams per client address; past it, 429
                         (CONFAB_MAX_STREAMS_PER_IP, default ${DEFAULT_STREAM_CAPS.perIp})
  --request-timeout <s>  seconds a request may take to arrive (headers and body), 408 past it
                         (CONFAB_REQUEST_TIMEOUT, default ${DEFAULT_REQUEST_TIMEOUT_MS / 1000})
${OPERATIONS_USAGE}
  --help

confab-server migrate [--db <path|url>]   apply the database's pending migrations, then exit
confab-server backup <file> [--db <path>] copy a SQLite database while the server runs`;

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return integer('--trust-proxy', value, 0, 1, 100);
  const addresses = value.split(',').map((a) => a.trim());
  if (addresses.some((a) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a))) {
    throw new ConfigError(`--trust-proxy must be true, false, a number of hops or comma-separated addresses/CIDRs, got ${JSON.stringify(value)}`);
  }
  return addresses.join(',');
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      // pnpm 10 passes the `--` of `pnpm start -- --port 9000` through.
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        secret: { type: 'string' },
        'team-token': { type: 'string' },
        'cors-origin': { type: 'string', multiple: true },
        'rate-limit-ip': { type: 'string' },
        'rate-limit-session': { type: 'string' },
        'team-name': { type: 'string' },
        'trust-proxy': { type: 'string' },
        'max-streams-per-session': { type: 'string' },
        'max-streams-per-ip': { type: 'string' },
        'request-timeout': { type: 'string' },
        greeting: { type: 'string' },
        help: { type: 'boolean' },
        ...OPERATIONS_OPTIONS,
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return 'help';

  const corsOrigins = values['cors-origin'] ?? (env.CONFAB_CORS_ORIGINS ? env.CONFAB_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean) : []);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`--cors-origin must be * or an origin like https://example.com (scheme and host, no path), got ${JSON.stringify(origin)}`);
    }
  }
  const configuredToken = values['team-token'] ?? env.CONFAB_TEAM_TOKEN;
  if (configuredToken !== undefined && configuredToken.length < 16) throw new ConfigError('--team-token must be at least 16 characters');
  const secret = values.secret ?? env.CONFAB_SECRET;
  if (secret !== undefined && secret.length < 16) throw new ConfigError('--secret must be at least 16 characters');

  return {
    port: integer('--port', values.port ?? env.CONFAB_PORT ?? env.PORT, 8787, 0, 65535),
    host: values.host ?? env.CONFAB_HOST ?? '127.0.0.1',
    db: values.db ?? env.CONFAB_DB ?? env.DATABASE_URL ?? 'confab.sqlite',
    secret,
    teamToken: configuredToken ?? randomBytes(24).toString('base64url'),
    teamTokenGenerated: configuredToken === undefined,
    corsOrigins,
    rateLimits: {
      perIp: integer('--rate-limit-ip', values['rate-limit-ip'] ?? env.CONFAB_RATE_LIMIT_IP, DEFAULT_RATE_LIMITS.perIp, 1, 1_000_000),
      perSession: integer('--rate-limit-session', values['rate-limit-session'] ?? env.CONFAB_RATE_LIMIT_SESSION, DEFAULT_RATE_LIMITS.perSession, 1, 1_000_000),
      windowMs: DEFAULT_RATE_LIMITS.windowMs,
    },
    teamName: values['team-name'] ?? env.CONFAB_TEAM_NAME ?? 'Confab',
    greeting: values.greeting ?? env.CONFAB_GREETING,
    trustProxy: parseTrustProxy(values['trust-proxy'] ?? env.CONFAB_TRUST_PROXY),
    streamCaps: {
      perSession: integer('--max-streams-per-session', values['max-streams-per-session'] ?? env.CONFAB_MAX_STREAMS_PER_SESSION, DEFAULT_STREAM_CAPS.perSession, 1, 1_000),
      perIp: integer('--max-streams-per-ip', values['max-streams-per-ip'] ?? env.CONFAB_MAX_STREAMS_PER_IP, DEFAULT_STREAM_CAPS.perIp, 1, 1_000_000),
    },
    ...parseOperationsConfig(values, env, (message) => new ConfigError(message)),
    requestTimeoutMs: 1000 * integer('--request-timeout', values['request-timeout'] ?? env.CONFAB_REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT_MS / 1000, 1, 3_600),
  };
}
