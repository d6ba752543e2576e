// The team stream: Server-Sent Events of an app's team events (conversation created, message,
// note, state, assignment, read), resumable by Last-Event-ID, and typing as it happens; with the
// visitor's stream's caps, pacing, stall handling and shutdown (event-stream.ts). Behind the team
// API's auth (team-auth.ts): only the app in the path, which the teammate reaches, and only while
// they still do.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { EVENT_STREAM_HEADERS, resumeFrom, StreamQuery, serveEventStream } from '../event-stream';
import { AppParams } from '../schemas';
import { SERVICE_TEAMMATE_ID } from '../store';
import { authenticate } from '../team-auth';
import { createTeamFeeds } from '../team-feed';

/**
 * How often, at most, an open stream checks its credentials again before it reads news: a
 * teammate signed out, deactivated, or whose token was revoked, or who no longer reaches the app,
 * hears nothing more after that.
 */
export const TEAM_STREAM_RECHECK_MS = 1_000;

let serviceStreams = 0;

export async function teamStreamRoutes(app: FastifyInstance, context: ServerContext) {
  const { store } = context;
  const feeds = createTeamFeeds(context.hub, store);

  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/stream', { schema: { params: AppParams, querystring: StreamQuery } }, async (request, reply) => {
      const resume = resumeFrom(request, request.query.last_event_id);
      if (request.method === 'HEAD') return reply.headers(EVENT_STREAM_HEADERS).send();
      const appId = request.params.app_id;
      const teammate = request.teammate;

      // A first connection starts now; an id that is no event in the database (a reset database)
      // starts now too.
      const resumed = resume === undefined ? undefined : await store.teamEventPosition(Number(resume));
      const cursor = resumed ?? (await store.teamStreamStart());
      // A teammate's streams count together against the per-session cap; the shared --team-token
      // stands for any number of people and scripts, so each of its streams counts alone (the
      // address's cap still holds).
      const capsKey =
        teammate.id === SERVICE_TEAMMATE_ID ? `team-token:${++serviceStreams}` : `teammate:${teammate.id}`;

      let checkedAt = context.now();
      serveEventStream(context, request, reply, {
        capsKey,
        cursor,
        listen: (onNews, onEphemeral) => feeds.listen(appId, onNews, onEphemeral),
        async beforeRead() {
          if (context.now() - checkedAt < TEAM_STREAM_RECHECK_MS) return 'read';
          checkedAt = context.now();
          const credentials = await authenticate(context, request).catch(() => undefined);
          return credentials?.reaches(appId) ? 'read' : 'end';
        },
        read: (after, limit) => feeds.read(appId, after, limit),
      });
    });
}
