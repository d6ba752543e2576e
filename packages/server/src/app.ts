// Builds the HTTP server: Fastify with TypeBox validation, CORS, body limits, rate limits, and the
// three route groups. Fastify because it validates JSON Schema natively with compiled validators,
// has first-party, maintained plugins for CORS and rate limiting, and is the fastest of the
// well-kept Node frameworks; the server is Node-only, so Hono's runtime portability buys nothing.
import type { ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { ServerMessengerSettings } from '@confab/core';
import Fastify, { type FastifyHttpOptions, type FastifyInstance, type RawServerDefault } from 'fastify';
import { ApiError, errorBody, errorHandler } from './errors';
import { consume, memoryRateLimiters, type RateLimiters, type RateLimits } from './rate-limits';
import type { RealtimeHub } from './realtime';
import { bearerToken, MESSENGER_BODY_LIMIT, messengerRoutes } from './routes/messenger';
import { streamRoutes } from './routes/stream';
import { STREAM_BUFFER_LIMIT, STREAM_STALL_MS } from './routes/stream';
import { teamRoutes } from './routes/team';
import { hashToken, type Store } from './store';
import { parseJsonBody } from './json-body';
import { findIllFormedText } from './well-formed-text';

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
  logger?: boolean;
  /** Bytes a stream may have waiting before it waits for the client to read them (default 1 MB). */
  streamBufferLimit?: number;
  /** How long a client may take to read them before it is disconnected (default 10 s). */
  streamStallMs?: number;
}

export interface ServerContext {
  store: Store;
  hub: RealtimeHub;
  secret: string | undefined;
  teamToken: string;
  messengerSettings: ServerMessengerSettings;
  now: () => number;
  /** Open streams, ended first on shutdown so `close()` does not wait for them. */
  streams: Set<ServerResponse>;
  streamBufferLimit: number;
  streamStallMs: number;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  // Fastify's overloads pick the server kind from the options' type; a widened trustProxy union
  // would select the HTTP/2 one, so the value goes in as the plain-HTTP options' own type.
  const trustProxy = (options.trustProxy ?? false) as FastifyHttpOptions<RawServerDefault>['trustProxy'];
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: MESSENGER_BODY_LIMIT,
    // Off unless configured: a forged X-Forwarded-For must not buy a fresh rate limit.
    trustProxy,
    return503OnClosing: true,
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => reply.status(404).send(errorBody(404, `no route ${request.method} ${request.url.split('?')[0]}`)));

  // Bodies are JSON (the beacon's text/plain is parsed as JSON in its own route): text/plain
  // anywhere else is a 415, not a string that fails validation as "must be object".
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
  app.addHook('preValidation', async (request) => {
    const where =
      findIllFormedText(request.params, 'params') ?? findIllFormedText(request.query, 'query') ?? findIllFormedText(request.body, 'body');
    if (where) throw new ApiError(400, `${where}: must be well-formed text (no NUL character, no unpaired UTF-16 surrogate)`, where);
  });

  const anyOrigin = options.corsOrigins.includes('*');
  await app.register(cors, {
    origin: anyOrigin ? true : options.corsOrigins,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'last-event-id'],
    maxAge: 600,
  });

  const limiters = options.rateLimiters ?? memoryRateLimiters(options.rateLimits);
  app.addHook('onRequest', (request) => consume(limiters.perIp, request.ip, 'address', request));

  const context: ServerContext = {
    store: options.store,
    hub: options.hub,
    secret: options.secret,
    teamToken: options.teamToken,
    messengerSettings: options.messengerSettings ?? { team_name: 'Confab' },
    now: options.now ?? Date.now,
    streams: new Set(),
    streamBufferLimit: options.streamBufferLimit ?? STREAM_BUFFER_LIMIT,
    streamStallMs: options.streamStallMs ?? STREAM_STALL_MS,
  };

  await app.register(
    async (messenger) => {
      messenger.addHook('onRequest', (request) => {
        const token = bearerToken(request);
        return token ? consume(limiters.perSession, hashToken(token), 'session', request) : Promise.resolve();
      });
      await messenger.register(messengerRoutes, context);
      await messenger.register(streamRoutes, context);
    },
    { prefix: '/messenger/v1/apps/:app_id' },
  );
  await app.register(async (team) => teamRoutes(team, context), { prefix: '/api/v1/apps/:app_id' });

  app.get('/health', async () => {
    await options.store.ping();
    return { ok: true };
  });

  // Streams never end by themselves: end them before the server waits for open connections.
  app.addHook('preClose', async () => {
    for (const stream of context.streams) stream.end();
  });
  return app;
}
