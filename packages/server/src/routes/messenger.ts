// The messenger API browsers call: scoped to an app id and a session token.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken, requireSession } from '../auth';
import type { ServerContext } from '../context';
import { ApiError } from '../errors';
import { parseJsonBody } from '../json-body';
import { AppParams, BeaconBody, BootBody, ConversationParams, EventsBody, MessageBody, UpdateBody } from '../schemas';
import { bootMessenger, updatePerson } from '../services/messenger';
import type { SessionRecord } from '../store';

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionRecord | null;
  }
}

export async function messengerRoutes(app: FastifyInstance, context: ServerContext) {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { store, now } = context;

  async function sessionHook(request: FastifyRequest<{ Params: { app_id: string } }>) {
    request.session = (
      await requireSession(context, request, request.params.app_id, 'Authorization: Bearer <session.token> from boot')
    ).session;
  }

  api.post('/boot', { schema: { params: AppParams, body: BootBody } }, async (request) => {
    const body = request.body;
    if (body.app_id !== request.params.app_id)
      throw new ApiError(
        400,
        `body.app_id ${JSON.stringify(body.app_id)} differs from the app in the path`,
        'body.app_id',
      );
    return bootMessenger(context, body);
  });

  app.register(async (authed) => {
    const scoped = authed.withTypeProvider<TypeBoxTypeProvider>();
    authed.decorateRequest('session', null);
    // Who is asking comes before what they sent: an unauthenticated call learns nothing of the schema.
    authed.addHook('onRequest', sessionHook);

    scoped.post('/update', { schema: { params: AppParams, body: UpdateBody } }, async (request) =>
      updatePerson(context, request.session!, request.body),
    );

    scoped.post('/events', { schema: { params: AppParams, body: EventsBody } }, async (request) => ({
      accepted: await store.trackEvents(request.session!, request.body.events, now()),
    }));

    scoped.get('/conversations', { schema: { params: AppParams } }, async (request) =>
      store.listConversations(request.session!),
    );

    scoped.post('/conversations', { schema: { params: AppParams, body: MessageBody } }, async (request) =>
      store.startConversation(request.session!, request.body.body, request.body.client_id, now()),
    );

    scoped.get('/conversations/:conversation_id', { schema: { params: ConversationParams } }, async (request) =>
      store.getConversation(request.session!, request.params.conversation_id),
    );

    scoped.post(
      '/conversations/:conversation_id/messages',
      { schema: { params: ConversationParams, body: MessageBody } },
      async (request) =>
        store.postMessage(
          request.session!,
          request.params.conversation_id,
          request.body.body,
          request.body.client_id,
          now(),
        ),
    );

    scoped.post(
      '/conversations/:conversation_id/read',
      { schema: { params: ConversationParams } },
      async (request) => ({
        unread_count: await store.markRead(request.session!, request.params.conversation_id, now()),
      }),
    );

    scoped.delete('/session', { schema: { params: AppParams } }, async (request, reply) => {
      await store.endSession(request.params.app_id, bearerToken(request)!, now());
      return reply.status(204).send();
    });
  });

  // sendBeacon can set no header and should not need a preflight: text/plain JSON with the token inside.
  app.register(async (beacon) => {
    beacon.addContentTypeParser('text/plain', { parseAs: 'string' }, parseJsonBody);
    beacon
      .withTypeProvider<TypeBoxTypeProvider>()
      .post('/events/beacon', { schema: { params: AppParams, body: BeaconBody } }, async (request, reply) => {
        // Its token is in the body, out of reach of the session limit's hook: counted here.
        await context.limitSession(request.body.session_token, request);
        const session = await store.session(request.params.app_id, request.body.session_token, now());
        if (!session) throw new ApiError(401, 'the session is unknown, expired or revoked', 'body.session_token');
        await store.trackEvents(session, request.body.events, now());
        return reply.status(204).send();
      });
  });
}
