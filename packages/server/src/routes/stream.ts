// The realtime stream: Server-Sent Events of a person's realtime events, resumable by id.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { requireSession } from '../auth';
import type { ServerContext } from '../context';
import { ApiError } from '../errors';
import { AppParams } from '../schemas';
import type { OpenStream } from '../stream-caps';

const KEEP_ALIVE_MS = 15_000;
const REPLAY_PAGE = 500;

/** Resolves true once `raw` has written out its buffer, false if it has not within `ms` or closed. */
function drained(raw: NodeJS.WritableStream & { writableLength: number }, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      raw.removeListener('drain', onDrain);
      raw.removeListener('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), ms);
    raw.on('drain', onDrain);
    raw.on('close', onClose);
  });
}

const StreamQuery = Type.Object(
  { last_event_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })) },
  { additionalProperties: false },
);

export async function streamRoutes(app: FastifyInstance, context: ServerContext) {
  const { store, hub, now } = context;

  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/stream', { schema: { params: AppParams, querystring: StreamQuery } }, async (request, reply) => {
      const { token, session } = await requireSession(
        context,
        request,
        request.params.app_id,
        'Authorization: Bearer <session.token>',
      );

      const header = request.headers['last-event-id'];
      const resumeFrom = (Array.isArray(header) ? header[0] : header) ?? request.query.last_event_id;
      if (resumeFrom !== undefined && !/^[0-9]{1,18}$/.test(resumeFrom)) {
        throw new ApiError(400, 'Last-Event-ID must be an event id this stream sent (digits)', 'last-event-id');
      }

      const headers = {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      };
      // Fastify's automatic HEAD of this GET: the headers only, as a stream would never end.
      if (request.method === 'HEAD') return reply.headers(headers).send();

      // A first connection starts where the session did, so nothing sent since boot is missed. An id
      // past the newest in the database (a reset database, another server's id) would wait forever
      // for ids above it: such a client starts where its session did too and drops what it has seen.
      let cursor = session.stream_from;
      if (resumeFrom !== undefined && Number(resumeFrom) <= (await store.latestRealtimeId()))
        cursor = Number(resumeFrom);
      let personId = session.person_id;
      const sessionKey = session.token_hash;
      const appId = request.params.app_id;

      // Checked and counted with no await in between, so concurrent connections cannot all slip under
      // a cap. Over its address's cap, a 429 the client backs off from; over its session's, the
      // session's oldest stream ends.
      context.streams.admit(sessionKey, request.ip);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...headers, connection: 'keep-alive' });
      raw.write(': confab stream\n\n');

      let closed = false;
      let pumping = false;
      let again = false;
      // One reader at a time per stream: news that arrives while reading triggers one more read.
      async function pump() {
        if (pumping) {
          again = true;
          return;
        }
        pumping = true;
        try {
          do {
            again = false;
            // The session may have ended (logout) or moved to another person (a lead who logged in
            // as an existing user): the stream ends, or follows it.
            const current = await store.session(appId, token, now());
            if (closed) return;
            if (!current) {
              raw.end();
              return;
            }
            if (current.person_id !== personId) {
              personId = current.person_id;
              stopListening();
              stopListening = hub.listen(personId, () => void pump());
            }
            for (;;) {
              const events = await store.realtimeAfter(personId, cursor, REPLAY_PAGE);
              if (closed) return;
              for (const event of events) {
                raw.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
                cursor = Number(event.id);
                if (raw.writableNeedDrain && context.streams.buffered(sessionKey) > context.streamBufferLimit) {
                  const buffered = raw.writableLength;
                  if (!(await drained(raw, context.streamStallMs))) {
                    if (!closed) request.log.warn({ buffered }, 'stream client stopped reading, disconnected');
                    raw.destroy();
                    return;
                  }
                  if (closed) return;
                }
              }
              if (events.length < REPLAY_PAGE) break;
            }
          } while (again && !closed);
        } catch (error) {
          request.log.error({ err: error }, 'stream read failed');
          raw.destroy();
        } finally {
          pumping = false;
        }
      }

      let stopListening = hub.listen(personId, () => void pump());
      const keepAlive = setInterval(() => {
        if (!raw.writableEnded) raw.write(': keep-alive\n\n');
      }, KEEP_ALIVE_MS);
      // The session is checked when there is news; a quiet stream ends when the session expires, so
      // the client's reconnect hears the 401 and boots again rather than listening to nothing.
      const expiry = setTimeout(
        () => {
          if (!raw.writableEnded) raw.end();
        },
        Math.min(Math.max(0, session.expires_at - now()), 2 ** 31 - 1),
      );
      const open: OpenStream = {
        raw,
        session: sessionKey,
        ip: request.ip,
        get behind() {
          return pumping || again;
        },
        end(reason, retryMs) {
          if (closed) return;
          closed = true;
          raw.end(`${retryMs === undefined ? '' : `retry: ${retryMs}\n`}: ${reason}\n\n`);
          // One that still has unread bytes would hold them until its client reads: let it go now.
          if (raw.writableLength > 0) raw.destroy();
        },
      };
      context.streams.add(open);
      raw.on('close', () => {
        closed = true;
        stopListening();
        clearInterval(keepAlive);
        clearTimeout(expiry);
        context.streams.remove(open);
      });
      void pump();
    });
}
