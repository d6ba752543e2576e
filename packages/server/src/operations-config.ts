// The operations flags (metrics, logs), parsed beside the others in config.ts.
import type { ParseArgsConfig } from 'node:util';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface OperationsConfig {
  /** Bearer token of GET /metrics; without one there is no /metrics. */
  metricsToken?: string;
  /** The command line's log level (JSON lines on stderr); embedding code passes a logger instead. */
  logLevel?: LogLevel;
}

export const OPERATIONS_OPTIONS = {
  'metrics-token': { type: 'string' },
  'log-level': { type: 'string' },
} satisfies NonNullable<ParseArgsConfig['options']>;

export const OPERATIONS_USAGE = `  --metrics-token <t>    bearer token of GET /metrics (Prometheus); no /metrics without one  (CONFAB_METRICS_TOKEN)
  --log-level <level>    ${LOG_LEVELS.join(', ')}: JSON lines on stderr, one per request at info
                                                      (CONFAB_LOG_LEVEL, default info)`;

export function parseOperationsConfig(
  values: { 'metrics-token'?: string | undefined; 'log-level'?: string | undefined },
  env: NodeJS.ProcessEnv,
  fail: (message: string) => Error,
): Required<Pick<OperationsConfig, 'logLevel'>> & OperationsConfig {
  const metricsToken = values['metrics-token'] ?? env.CONFAB_METRICS_TOKEN;
  if (metricsToken !== undefined && metricsToken.length < 16) throw fail('--metrics-token must be at least 16 characters');
  const logLevel = values['log-level'] ?? env.CONFAB_LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw fail(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  return { ...(metricsToken !== undefined ? { metricsToken } : {}), logLevel: logLevel as LogLevel };
}
