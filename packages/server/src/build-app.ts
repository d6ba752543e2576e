// Builds the HTTP app from its options (context.ts): Fastify with TypeBox validation, CORS, body
// limits, rate limits, and the three route groups; it does not listen (start-server.ts). Fastify because it validates JSON Schema natively with compiled validators,
// has first-party, maintained plugins for CORS and rate limiting, and is the fastest of the
// well-kept Node frameworks; the server is Node-only, so Hono's runtime portability buys nothing.

import { REQUEST_BODY_MAX_BYTES } from '@confab/core/protocol';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyHttpOptions,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
  type RawServerDefault,
} from 'fastify';
import { bearerToken } from './auth';
import { createContext, type ServerContext, type ServerOptions } from './context';
import {
  ApiError,
  clientErrorHandler,
  errorBody,
  errorHandler,
  frameworkErrors,
  MAX_PARAM_LENGTH,
  refuseOverlongSegment,
} from './errors';
import { healthRoutes } from './health';
import { parseJsonBody } from './json-body';
import { logRequests, requestIdGenerator, withSafeSerializers } from './logging';
import { countRequests, metricsRoute, type ServerMetrics } from './metrics';
import { consume, memoryRateLimiters } from './rate-limits';
import { requestTimeoutOptions } from './request-timeout';
import { messengerRoutes } from './routes/messenger';
import { searchRoutes } from './routes/search';
import { streamRoutes } from './routes/stream';
import { teamRoutes } from './routes/team';
import { teamAuthRoutes } from './routes/team-auth';
import { teamStreamRoutes } from './routes/team-stream';
import { teammateRoutes } from './routes/teammates';
import { messengerTypingRoutes, teamTypingRoutes } from './routes/typing';
import { drainOnClose } from './shutdown';
import { findIllFormedText } from './well-formed-text';

const MESSENGER_PREFIX = '/messenger/v1/apps/:app_id';
const MESSENGER_PATH = '/messenger/';

/** @fastify/cors answers these with a plain-text 400; ours names the missing header. */
async function refuseMalformedPreflight(request: FastifyRequest) {
  if (request.method !== 'OPTIONS' || !request.url.startsWith(MESSENGER_PATH)) return;
  for (const header of ['origin', 'access-control-request-method']) {
    if (!request.headers[header]) {
      throw new ApiError(
        400,
        `a CORS preflight (OPTIONS) needs the ${header === 'origin' ? 'Origin' : 'Access-Control-Request-Method'} header`,
        header,
      );
    }
  }
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  // Fastify's overloads pick the server kind from the options' type; a widened trustProxy union
  // would select the HTTP/2 one, so the value goes in as the plain-HTTP options' own type.
  const trustProxy = (options.trustProxy ?? false) as FastifyHttpOptions<RawServerDefault>['trustProxy'];
  const app = Fastify({
    logger: withSafeSerializers(options.logger ?? false),
    // One line per request, written by logRequests once it is done, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdGenerator(trustProxy),
    bodyLimit: REQUEST_BODY_MAX_BYTES,
    // Off unless configured: a forged X-Forwarded-For must not buy a fresh rate limit.
    trustProxy,
    return503OnClosing: true,
    ...requestTimeoutOptions(options.requestTimeoutMs),
    // Ids may be 128 characters (schemas.ts), percent-encoded longer still: Fastify's default is 100.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Fastify's own answers (a bad URL encoding, an overlong parameter, malformed HTTP) in our shape.
    frameworkErrors,
    clientErrorHandler,
  });
  // First, so every request is logged and counted, refused ones (429, 401, 404) included.
  logRequests(app);
  const limiters = options.rateLimiters ?? memoryRateLimiters(options.rateLimits);
  const context = createContext(options, limiters);
  // Streams never end by themselves: end them, with a retry hint, before the server waits for open connections.
  drainOnClose(app, context.streams);
  if (options.metrics) {
    countRequests(app, options.metrics);
    watchStreams(options.metrics, context);
  }
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody(404, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  // Bodies are JSON (the beacon's text/plain is parsed as JSON in its own route): text/plain
  // anywhere else is a 415, not a string that fails validation as "must be object".
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
  app.addHook('preValidation', async (request) => {
    const where =
      findIllFormedText(request.params, 'params') ??
      findIllFormedText(request.query, 'query') ??
      findIllFormedText(request.body, 'body');
    if (where)
      throw new ApiError(
        400,
        `${where}: must be well-formed text (no NUL character, no unpaired UTF-16 surrogate)`,
        where,
      );
  });

  // Browsers may call the messenger API only: the team API, behind a secret token, gets no CORS
  // headers. Registered for the whole app (not in the messenger's scope) so the messenger's 404s,
  // 429s and preflights carry them too, and a browser reads them as answers, not network errors.
  app.addHook('onRequest', refuseMalformedPreflight);
  const messengerCors = {
    origin: options.corsOrigins.includes('*') ? true : options.corsOrigins,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'last-event-id'],
    maxAge: 600,
  };
  await app.register(cors, {
    delegator: (request, callback) =>
      callback(null, request.url.startsWith(MESSENGER_PATH) ? messengerCors : { origin: false }),
  });

  // After CORS, so a browser can read the answer.
  app.addHook('onRequest', refuseOverlongSegment);

  app.addHook('onRequest', (request) => consume(limiters.perIp, request.ip, 'address', request));

  await app.register(
    async (messenger) => {
      messenger.addHook('onRequest', (request) => {
        const token = bearerToken(request);
        return token ? context.limitSession(token, request) : Promise.resolve();
      });
      await messenger.register(messengerRoutes, context);
      await messenger.register(streamRoutes, context);
      await messenger.register(messengerTypingRoutes, context);
    },
    { prefix: MESSENGER_PREFIX },
  );
  // Teammates' session cookies (team-auth.ts); unsigned: the value is itself a random secret.
  await app.register(cookie);
  await app.register(
    async (team) => {
      await teamRoutes(team, context);
      // Inside the team routes' scope: behind their auth hook.
      await team.register(teamStreamRoutes, context);
      await team.register(teamTypingRoutes, context);
      await searchRoutes(team, context);
    },
    { prefix: '/api/v1/apps/:app_id' },
  );
  await app.register(async (accounts) => teamAuthRoutes(accounts, context), { prefix: '/api/v1' });
  await app.register(async (admins) => teammateRoutes(admins, context), { prefix: '/api/v1' });

  app.get('/health', async () => {
    await options.store.ping();
    return { ok: true };
  });
  await healthRoutes(app, options.checkReadiness ?? (async () => void (await options.store.ping())));
  if (options.metrics && options.metricsToken !== undefined)
    await metricsRoute(app, options.metrics, options.metricsToken);

  return app;
}

/** The realtime streams' gauges: how many are open, how many have news not yet written, and the bytes their clients have not read. */
function watchStreams(metrics: ServerMetrics, context: ServerContext) {
  metrics.watch('confab_realtime_streams_open', 'Realtime streams open on this process', () => context.streams.size);
  metrics.watch(
    'confab_realtime_streams_behind',
    'Open streams with committed realtime events (the outbox) not yet written to them',
    () => {
      let behind = 0;
      for (const stream of context.streams.all()) if (stream.behind) behind++;
      return behind;
    },
  );
  metrics.watch(
    'confab_realtime_stream_buffered_bytes',
    'Bytes written to open streams that their clients have not read yet',
    () => {
      let bytes = 0;
      for (const stream of context.streams.all()) bytes += stream.raw.writableLength;
      return bytes;
    },
  );
}
