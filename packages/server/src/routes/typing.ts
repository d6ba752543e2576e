// Typing indicators, both ways: a visitor typing reaches the app's team streams, a teammate typing
// reaches the visitor's stream (and the other teammates'). Ephemeral: nothing is stored, nothing
// is replayed; a stream that is not open misses it. Rate limited per session and per teammate, in
// the memory of each process (a client's throttle sends one every few seconds).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { requireSession } from '../auth';
import type { ServerContext } from '../context';
import { NotFoundError } from '../domain-errors';
import { consume } from '../rate-limits';
import { ConversationParams } from '../schemas';

/** Typing signals one session (or one teammate) may send: 10 per 20 s, a client's throttle of one per 2 s with room. */
export const TYPING_LIMIT = { points: 10, durationSeconds: 20 };

function typingLimiter(keyPrefix: string) {
  return new RateLimiterMemory({ keyPrefix, points: TYPING_LIMIT.points, duration: TYPING_LIMIT.durationSeconds });
}

/** POST /messenger/v1/apps/:app_id/conversations/:conversation_id/typing: the visitor is typing. */
export async function messengerTypingRoutes(app: FastifyInstance, context: ServerContext) {
  const limiter = typingLimiter('typing-session');
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post(
      '/conversations/:conversation_id/typing',
      { schema: { params: ConversationParams } },
      async (request, reply) => {
        const { app_id: appId, conversation_id: conversationId } = request.params;
        const { session } = await requireSession(
          context,
          request,
          appId,
          'Authorization: Bearer <session.token> from boot',
        );
        await consume(limiter, session.token_hash, 'session (typing)', request as FastifyRequest);
        // Only into the visitor's own conversation: another's is indistinguishable from none.
        const personId = await context.store.conversationPerson(appId, conversationId);
        if (personId !== session.person_id) throw new NotFoundError(`conversation ${conversationId}`);
        context.hub.sendEphemeral({
          app_id: appId,
          team: true,
          event: { type: 'typing', conversation_id: conversationId, author: 'person', person_id: personId },
        });
        return reply.status(204).send();
      },
    );
}

/** POST /api/v1/apps/:app_id/conversations/:conversation_id/typing: a teammate is typing. */
export async function teamTypingRoutes(app: FastifyInstance, context: ServerContext) {
  const limiter = typingLimiter('typing-teammate');
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post(
      '/conversations/:conversation_id/typing',
      { schema: { params: ConversationParams } },
      async (request, reply) => {
        const { app_id: appId, conversation_id: conversationId } = request.params;
        const actor = request.teammate;
        await consume(limiter, actor.id, 'teammate (typing)', request as FastifyRequest);
        const personId = await context.store.conversationPerson(appId, conversationId);
        const avatar = actor.avatar_url ? { author_avatar_url: actor.avatar_url } : {};
        context.hub.sendEphemeral({
          app_id: appId,
          person_id: personId,
          event: { type: 'typing', conversation_id: conversationId, author_name: actor.name, ...avatar },
        });
        context.hub.sendEphemeral({
          app_id: appId,
          team: true,
          event: {
            type: 'typing',
            conversation_id: conversationId,
            author: 'team',
            teammate_id: actor.id,
            author_name: actor.name,
            ...avatar,
          },
        });
        return reply.status(204).send();
      },
    );
}
