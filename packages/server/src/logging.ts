// What the server logs: one JSON line per request with its request id, and failures with theirs.
// Only fields named here reach a log line: never a header (Authorization, Cookie), a query string
// (emails, ids a visitor typed), a body (messages, the beacon's session token) or an error's
// extra properties (PostgreSQL's `detail` quotes the row it refused, message text included).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerOptions } from './context';
import type { LogLevel } from './operations-config';

/** A request id a proxy may send (nginx's $request_id, a load balancer's trace id): short, no spaces, no quotes. */
const FORWARDED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Fastify's genReqId: a random id, unique across processes (Fastify's own counts from 1 in each),
 * or the proxy's X-Request-Id behind a trusted proxy, so its access log and ours share one id.
 */
export function requestIdGenerator(trustProxy: unknown) {
  return (raw: IncomingMessage): string => {
    const forwarded = raw.headers[REQUEST_ID_HEADER];
    if (trustProxy && typeof forwarded === 'string' && FORWARDED_REQUEST_ID.test(forwarded)) return forwarded;
    return randomUUID();
  };
}

interface LoggedError {
  [field: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

/** The serializers every logger of the app gets: requests, responses and errors by an allow-list of fields. */
export const SAFE_SERIALIZERS = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    url: request.url.split('?')[0],
    ...(request.routeOptions?.url ? { route: request.routeOptions.url } : {}),
    remoteAddress: request.ip,
  }),
  res: (reply: Pick<FastifyReply, 'statusCode'>) => ({ statusCode: reply.statusCode }),
  err: (error: unknown): LoggedError => {
    if (!(error instanceof Error)) return { type: typeof error, message: String(error), stack: '' };
    const code = (error as { code?: unknown }).code;
    return {
      type: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      stack: error.stack ?? '',
    };
  },
};

/** Fastify's logger options with the safe serializers (an embedder's own serializers win). */
export function withSafeSerializers(logger: ServerOptions['logger']): ServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return { ...base, serializers: { ...SAFE_SERIALIZERS, ...base.serializers } };
}

/** The command line's logger: JSON lines on `stream` (stderr) from `level` up. */
export function commandLineLogger(
  level: LogLevel,
  stream: NodeJS.WritableStream = process.stderr,
): ServerOptions['logger'] {
  return { level, stream };
}

/**
 * One line per request once its connection is done with it ("request completed", or "request
 * aborted" when the client left first; a stream's line comes when it ends), and the request id
 * echoed in X-Request-Id so a visitor's report can be matched with the log.
 */
export function logRequests(app: FastifyInstance) {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    reply.raw.once('close', () => {
      const finished = reply.raw.writableFinished;
      request.log.info(
        { req: request, res: reply, responseTime: Math.round(reply.elapsedTime) },
        finished ? 'request completed' : 'request aborted',
      );
    });
  });
}
