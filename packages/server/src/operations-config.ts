// The operations settings (metrics, logs): their types; config.ts parses them beside the others.
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface OperationsConfig {
  /** Bearer token of GET /metrics; without one there is no /metrics. */
  metricsToken?: string;
  /** The command line's log level (JSON lines on stderr); embedding code passes a logger instead. */
  logLevel?: LogLevel;
}
