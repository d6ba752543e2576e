// The REST API for the team: contacts, their events and pages, conversations, replies.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { ApiError } from '../errors';
import { AppParams, ContactParams, ContactQuery, ConversationParams, ConversationQuery, ReplyBody } from '../schemas';
import { teamAuth } from '../team-auth';

export async function teamRoutes(app: FastifyInstance, context: ServerContext) {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { store, now } = context;

  // Sets request.teammate: a session cookie or an API token that reaches this app (team-auth.ts).
  app.addHook('onRequest', teamAuth(context));

  api.get('/contacts', { schema: { params: AppParams, querystring: ContactQuery } }, async (request) => {
    const { user_id, email, visitor_id } = request.query;
    if (user_id === undefined && email === undefined && visitor_id === undefined) {
      throw new ApiError(400, 'name a contact: ?user_id=, ?email= or ?visitor_id=', 'query');
    }
    return { contacts: await store.findContacts(request.params.app_id, request.query) };
  });

  api.get('/contacts/:contact_id', { schema: { params: ContactParams } }, async (request) =>
    store.getContact(request.params.app_id, request.params.contact_id),
  );

  api.get('/contacts/:contact_id/events', { schema: { params: ContactParams } }, async (request) => ({
    events: await store.contactEvents(request.params.app_id, request.params.contact_id),
  }));

  api.get('/contacts/:contact_id/page_views', { schema: { params: ContactParams } }, async (request) => ({
    page_views: await store.contactPageViews(request.params.app_id, request.params.contact_id),
  }));

  api.get('/conversations', { schema: { params: AppParams, querystring: ConversationQuery } }, async (request) => ({
    conversations: await store.teamConversations(request.params.app_id, request.query.state),
  }));

  api.get('/conversations/:conversation_id', { schema: { params: ConversationParams } }, async (request) =>
    store.teamConversation(request.params.app_id, request.params.conversation_id),
  );

  api.post(
    '/conversations/:conversation_id/reply',
    { schema: { params: ConversationParams, body: ReplyBody } },
    async (request) =>
      store.reply(
        request.params.app_id,
        request.params.conversation_id,
        request.body.body,
        request.body.author_name ?? context.messengerSettings.team_name ?? 'Support',
        now(),
      ),
  );

  api.post('/conversations/:conversation_id/close', { schema: { params: ConversationParams } }, async (request) =>
    store.close(request.params.app_id, request.params.conversation_id, now()),
  );
}
