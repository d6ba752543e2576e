// The realtime stream: Server-Sent Events of a person's realtime events, resumable by id, and the
// team's typing as it happens (event-stream.ts).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireSession } from '../auth';
import type { ServerContext } from '../context';
import { EVENT_STREAM_HEADERS, resumeFrom, StreamQuery, serveEventStream } from '../event-stream';
import { AppParams } from '../schemas';

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
      const resume = resumeFrom(request, request.query.last_event_id);
      // Fastify's automatic HEAD of this GET: the headers only, as a stream would never end.
      if (request.method === 'HEAD') return reply.headers(EVENT_STREAM_HEADERS).send();

      // A first connection starts where the session did, so nothing sent since boot is missed. A
      // resumed one starts after the event it names. An id that is no event in the database (a reset
      // database, another server's id) has no place in the order: such a client starts where its
      // session did too and drops what it has seen.
      const resumed = resume === undefined ? undefined : await store.realtimePosition(Number(resume));
      const cursor = resumed ?? session.stream_from;
      let personId = session.person_id;
      const appId = request.params.app_id;

      serveEventStream(context, request, reply, {
        capsKey: session.token_hash,
        cursor,
        endsAt: session.expires_at,
        listen: (onNews, onEphemeral) => hub.listen(personId, onNews, onEphemeral),
        // The session may have ended (logout) or moved to another person (a lead who logged in as
        // an existing user): the stream ends, or follows it from where it is (a position orders
        // every person's events alike, and the lead's events moved to the user keep theirs).
        async beforeRead() {
          const current = await store.session(appId, token, now());
          if (!current) return 'end';
          if (current.person_id === personId) return 'read';
          personId = current.person_id;
          return 'relisten';
        },
        read: (after, limit) => store.realtimeAfter(personId, after, limit),
      });
    });
}
