// The stream caps and the request timeout from flags, then environment variables, then defaults.
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_STREAM_CAPS,
  parseConfig,
  type ServerConfig,
  USAGE,
} from '../src';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseConfig(argv, env) as ServerConfig;

describe('configuration of the stream caps and the request timeout', () => {
  it('defaults, flags, and environment variables (flags win)', () => {
    expect(parse([])).toMatchObject({ streamCaps: DEFAULT_STREAM_CAPS, requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS });
    expect(
      parse(['--max-streams-per-session', '3', '--max-streams-per-ip', '500', '--request-timeout', '5']),
    ).toMatchObject({
      streamCaps: { perSession: 3, perIp: 500 },
      requestTimeoutMs: 5_000,
    });
    const env = { CONFAB_MAX_STREAMS_PER_SESSION: '4', CONFAB_MAX_STREAMS_PER_IP: '40', CONFAB_REQUEST_TIMEOUT: '12' };
    expect(parse([], env)).toMatchObject({ streamCaps: { perSession: 4, perIp: 40 }, requestTimeoutMs: 12_000 });
    expect(parse(['--max-streams-per-ip', '41'], env).streamCaps.perIp).toBe(41);
    for (const flag of ['--max-streams-per-session', '--max-streams-per-ip', '--request-timeout'])
      expect(USAGE).toContain(flag);
  });

  it('refuses a value that is not a positive integer in range, naming the flag', () => {
    expect(() => parse(['--max-streams-per-session', '0'])).toThrow(ConfigError);
    expect(() => parse(['--max-streams-per-ip', 'many'])).toThrow(/--max-streams-per-ip must be an integer/);
    // A value from the environment is named by its variable.
    expect(() => parse([], { CONFAB_REQUEST_TIMEOUT: '1.5' })).toThrow(
      /^CONFAB_REQUEST_TIMEOUT must be an integer from 1 to 3600, got "1.5"$/,
    );
  });
});

describe('configuration of the metrics token and the log level', () => {
  it('defaults (no metrics, info), flags, and environment variables (flags win)', () => {
    expect(parse([])).toMatchObject({ logLevel: 'info' });
    expect(parse([]).metricsToken).toBeUndefined();
    expect(parse(['--metrics-token', 'metrics-token-0123456789', '--log-level', 'warn'])).toMatchObject({
      metricsToken: 'metrics-token-0123456789',
      logLevel: 'warn',
    });
    const env = { CONFAB_METRICS_TOKEN: 'metrics-token-from-env-0123', CONFAB_LOG_LEVEL: 'error' };
    expect(parse([], env)).toMatchObject({ metricsToken: 'metrics-token-from-env-0123', logLevel: 'error' });
    expect(parse(['--log-level', 'debug'], env).logLevel).toBe('debug');
    for (const flag of [
      '--metrics-token',
      '--log-level',
      'CONFAB_METRICS_TOKEN',
      'CONFAB_LOG_LEVEL',
      'confab-server migrate',
      'confab-server backup',
    ])
      expect(USAGE).toContain(flag);
  });

  it('refuses a short metrics token and an unknown log level, naming the flag', () => {
    expect(() => parse(['--metrics-token', 'short'])).toThrow('--metrics-token must be at least 16 characters');
    expect(() => parse([], { CONFAB_LOG_LEVEL: 'loud' })).toThrow(
      'CONFAB_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    );
  });
});
