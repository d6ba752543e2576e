// Typing indicators, both ways: a visitor typing reaches the app's team streams, a teammate typing
// reaches the visitor's stream (and the other teammates'). Ephemeral: nothing is stored, nothing
// is replayed; a stream that is not open misses it. Rate limited per session and per teammate
// (rate-limits.ts: across processes on PostgreSQL, as every limit).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireSession } from '../auth';
import type { ServerContext } from '../context';
import { NotFoundError } from '../domain-errors';
import { consume } from '../rate-limits';
import { ConversationParams } from '../schemas';

/** POST /messenger/v1/apps/:app_id/conversations/:conversation_id/typing: the visitor is typing. */
export async function messengerTypingRoutes(app: FastifyInstance, context: ServerContext) {
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
        await consume(
          context.limiters.typing,
          `session:${session.token_hash}`,
          'session (typing)',
          request as FastifyRequest,
        );
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
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post(
      '/conversations/:conversation_id/typing',
      { schema: { params: ConversationParams } },
      async (request, reply) => {
        const { app_id: appId, conversation_id: conversationId } = request.params;
        const actor = request.teammate;
        await consume(context.limiters.typing, `teammate:${actor.id}`, 'teammate (typing)', request as FastifyRequest);
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
