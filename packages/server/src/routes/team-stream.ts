// The team stream: Server-Sent Events of an app's team events (conversation created, message,
// note, state, assignment, read), resumable by Last-Event-ID, and typing as it happens; with the
// visitor's stream's caps, pacing, stall handling and shutdown (event-stream.ts). Behind the team
// API's auth: only the app in the path, which the auth lets this teammate reach.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { EVENT_STREAM_HEADERS, resumeFrom, StreamQuery, serveEventStream } from '../event-stream';
import { AppParams } from '../schemas';
import { actorOf, TEAM_TOKEN_ACTOR_ID } from '../team-actor';
import { createTeamFeeds } from '../team-feed';

let sharedTokenStreams = 0;

export async function teamStreamRoutes(app: FastifyInstance, context: ServerContext) {
  const { store } = context;
  const feeds = createTeamFeeds(context.hub, store);

  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/stream', { schema: { params: AppParams, querystring: StreamQuery } }, async (request, reply) => {
      const resume = resumeFrom(request, request.query.last_event_id);
      if (request.method === 'HEAD') return reply.headers(EVENT_STREAM_HEADERS).send();
      const appId = request.params.app_id;
      const actor = actorOf(request, context);

      // A first connection starts now; an id past the newest (a reset database) starts now too.
      const latest = await store.latestTeamEventId();
      const cursor = resume !== undefined && Number(resume) <= latest ? Number(resume) : latest;
      // Each teammate's streams count against the per-session cap; the shared team token stands
      // for the whole team, so each of its streams counts alone (the address's cap still holds).
      const capsKey = actor.id === TEAM_TOKEN_ACTOR_ID ? `team-token:${++sharedTokenStreams}` : `teammate:${actor.id}`;

      serveEventStream(context, request, reply, {
        capsKey,
        cursor,
        listen: (onNews, onEphemeral) => feeds.listen(appId, onNews, onEphemeral),
        read: (afterId, limit) => feeds.read(appId, afterId, limit),
      });
    });
}
