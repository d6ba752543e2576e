// What the HTTP app is built from (ServerOptions), and what its routes share (ServerContext).
import type { ServerMessengerSettings } from '@confab/core/protocol';
import type { FastifyHttpOptions, FastifyRequest, RawServerDefault } from 'fastify';
import type { ReadinessCheck } from './health';
import type { ServerMetrics } from './metrics';
import { consume, type RateLimiters, type RateLimits } from './rate-limits';
import type { RealtimeHub } from './realtime';
import { hashToken, type Store } from './store';
import {
  createStreamRegistry,
  DEFAULT_STREAM_CAPS,
  STREAM_BUFFER_LIMIT,
  STREAM_STALL_MS,
  type StreamCaps,
  type StreamRegistry,
} from './stream-caps';

export interface ServerOptions {
  store: Store;
  hub: RealtimeHub;
  /** Identity verification secret; absent: user_hash is not required. */
  secret?: string;
  teamToken: string;
  /** Origins allowed to call the API from a browser; `*` allows any. */
  corsOrigins: string[];
  rateLimits: RateLimits;
  /** Limiter stores; in memory unless given (several processes share a database-backed one). */
  rateLimiters?: RateLimiters;
  messengerSettings?: ServerMessengerSettings;
  /** Fastify's trustProxy (see ServerConfig.trustProxy). */
  trustProxy?: boolean | number | string;
  now?: () => number;
  /** Fastify's logger: false (none), true, or pino options such as `{ level: 'warn' }`. */
  logger?: FastifyHttpOptions<RawServerDefault>['logger'];
  /** Bytes one session's streams may have waiting, together, before they wait for their clients to read them (default 1 MB). */
  streamBufferLimit?: number;
  /** How long a client may take to read them before it is disconnected (default 10 s). */
  streamStallMs?: number;
  /** Open streams per session and per client address (DEFAULT_STREAM_CAPS). */
  streamCaps?: StreamCaps;
  /** How long a request may take to arrive, headers and body (default 30 s); streams are not cut by it. */
  requestTimeoutMs?: number;
  /** GET /readyz's check (health.ts); without one, the database answering a query is enough. */
  checkReadiness?: ReadinessCheck;
  /** Counts requests and watches the streams (metrics.ts); none: nothing is counted. */
  metrics?: ServerMetrics;
  /** With `metrics`: GET /metrics answers requests carrying it as their bearer token. */
  metricsToken?: string;
}

export interface ServerContext {
  store: Store;
  hub: RealtimeHub;
  secret: string | undefined;
  teamToken: string;
  messengerSettings: ServerMessengerSettings;
  now: () => number;
  /** Open streams, counted against their caps, and ended first on shutdown so `close()` does not wait for them. */
  streams: StreamRegistry;
  streamBufferLimit: number;
  streamStallMs: number;
  /** Counts a request against its session's rate limit (the beacon carries its token in the body). */
  limitSession(token: string, request: FastifyRequest): Promise<void>;
}

/** The routes' context: the options with their defaults filled in, and the session limiter. */
export function createContext(options: ServerOptions, limiters: RateLimiters): ServerContext {
  return {
    store: options.store,
    hub: options.hub,
    secret: options.secret,
    teamToken: options.teamToken,
    messengerSettings: options.messengerSettings ?? { team_name: 'Confab' },
    now: options.now ?? Date.now,
    streams: createStreamRegistry(options.streamCaps ?? DEFAULT_STREAM_CAPS),
    streamBufferLimit: options.streamBufferLimit ?? STREAM_BUFFER_LIMIT,
    streamStallMs: options.streamStallMs ?? STREAM_STALL_MS,
    limitSession: (token, request) => consume(limiters.perSession, hashToken(token), 'session', request),
  };
}
