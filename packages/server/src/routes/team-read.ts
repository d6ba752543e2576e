// A teammate read a conversation: the visitor's messenger shows "seen" (a `seen` event on their
// stream, `team_seen_at` on the conversation) and the team stream says who read it (`read`).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { ConversationParams } from '../schemas';

export async function teamReadRoutes(app: FastifyInstance, context: ServerContext) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/conversations/:conversation_id/read', { schema: { params: ConversationParams } }, async (request) => {
      const { app_id: appId, conversation_id: conversationId } = request.params;
      const now = context.now();
      const seenAt = await context.store.markSeenByTeam(appId, conversationId, request.teammate.id, now);
      return { conversation_id: conversationId, read_at: now, team_seen_at: seenAt };
    });
}
