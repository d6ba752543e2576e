// What the HTTP app is built from (ServerOptions), and what its routes share (ServerContext).
import { createHash } from 'node:crypto';
import type { ServerMessengerSettings } from '@confab/core/protocol';
import type { FastifyHttpOptions, FastifyRequest, RawServerDefault } from 'fastify';
import type { ReadinessCheck } from './health';
import type { ServerMetrics } from './metrics';
import { consume, type RateLimiters, type RateLimits } from './rate-limits';
import type { RealtimeHub } from './realtime';
import { hashToken, type Store, type Teammate } from './store';
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
  /** The bearer token of the built-in service teammate (API.md, "Authentication"). */
  teamToken: string;
  /**
   * Where teammates reach this server (https://support.example.com): the base of the links that
   * set a password, an origin the CSRF check accepts, and Secure cookies when it is https.
   */
  publicUrl?: string;
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
  /** SHA-256 of the team token (team-auth.ts compares digests, in constant time). */
  teamTokenDigest: Buffer;
  /** The teammate the team token authenticates as, made on first use. */
  serviceTeammate(): Promise<Teammate>;
  publicUrl: string | undefined;
  /** The rate limiters, the sign-in ones included (routes/team-auth.ts). */
  limiters: RateLimiters;
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
  const messengerSettings = options.messengerSettings ?? { team_name: 'Confab' };
  const now = options.now ?? Date.now;
  let service: Promise<Teammate> | undefined;
  return {
    store: options.store,
    hub: options.hub,
    secret: options.secret,
    teamTokenDigest: createHash('sha256').update(options.teamToken).digest(),
    // Named as the team is, so what the team token writes shows the team's name as before.
    serviceTeammate: () => {
      if (!service) {
        service = options.store.serviceTeammate(messengerSettings.team_name ?? 'Support', now());
        // A failure (the database was down) is not remembered: the next request tries again.
        service.catch(() => {
          service = undefined;
        });
      }
      return service;
    },
    publicUrl: options.publicUrl,
    limiters,
    messengerSettings,
    now,
    streams: createStreamRegistry(options.streamCaps ?? DEFAULT_STREAM_CAPS),
    streamBufferLimit: options.streamBufferLimit ?? STREAM_BUFFER_LIMIT,
    streamStallMs: options.streamStallMs ?? STREAM_STALL_MS,
    limitSession: (token, request) => consume(limiters.perSession, hashToken(token), 'session', request),
  };
}
