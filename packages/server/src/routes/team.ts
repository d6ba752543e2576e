// The REST API for the team: contacts, their events and pages, conversations (states, assignment,
// notes, read state, replies) and saved replies. Every write records the teammate who made it.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { decodeCursor, encodeCursor } from '../cursor';
import { ApiError } from '../errors';
import {
  AppParams,
  AssignBody,
  ContactParams,
  ContactQuery,
  ConversationParams,
  ConversationQuery,
  NoteBody,
  PageQuery,
  ReplyBody,
  SavedReplyBody,
  SavedReplyParams,
  SavedReplyPatch,
  StateBody,
} from '../schemas';
import type { ConversationFilter, StateChange } from '../store';
import { SERVICE_TEAMMATE_ID } from '../store';
import { reaches } from '../store/teammates';
import { actorOf, authorOf, requireAdmin } from '../team-actor';
import { teamAuth } from '../team-auth';

/** Items per page when a list is not given `?limit=`. */
const DEFAULT_PAGE = 50;
/** Entries per page of a thread: most threads fit in one. */
const DEFAULT_THREAD_PAGE = 100;
/** How often a process wakes snoozed conversations whose time has come (reads wake them too). */
export const SNOOZE_SWEEP_MS = 15_000;

/** A reply or note as stored; a client_id its author already used for other words is a 409. */
function storedOnce<T>(written: T | 'client_id_reused', what: 'reply' | 'note'): T {
  if (written === 'client_id_reused') {
    throw new ApiError(
      409,
      `client_id was already used for another ${what} of yours in this conversation: make a new one for each ${what}`,
      'body.client_id',
    );
  }
  return written;
}

export async function teamRoutes(app: FastifyInstance, context: ServerContext) {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { store, now } = context;

  // Sets request.teammate: a session cookie or an API token that reaches this app (team-auth.ts).
  app.addHook('onRequest', teamAuth(context));

  // A snooze ends by itself: every process sweeps now and then, so the team stream hears of it
  // without anyone reading; a read of a list or a conversation wakes what is due first, so no
  // answer shows a snooze that has ended.
  const sweep = setInterval(() => {
    store.wakeSnoozed(now()).catch((error) => app.log.warn({ err: error }, 'waking snoozed conversations failed'));
  }, SNOOZE_SWEEP_MS);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

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

  api.get('/conversations', { schema: { params: AppParams, querystring: ConversationQuery } }, async (request) => {
    const { app_id } = request.params;
    const { state, assignee = 'all', contact_id, cursor, limit = DEFAULT_PAGE } = request.query;
    const actor = actorOf(request);
    const filter: ConversationFilter = {
      ...(state ? { state } : {}),
      ...(assignee === 'all'
        ? {}
        : { assignee: assignee === 'me' ? actor.id : assignee === 'unassigned' ? null : assignee }),
      ...(contact_id !== undefined ? { contact: contact_id } : {}),
    };
    const after = cursor === undefined ? undefined : decodeCursor(cursor, ['number', 'string'] as const);
    await store.wakeSnoozed(now(), app_id);
    const page = await store.teamConversations(
      app_id,
      filter,
      { ...(after ? { after: { activity_at: after[0], id: after[1] } } : {}), limit },
      actor.id,
    );
    return {
      conversations: page.items,
      ...(page.next ? { next_cursor: encodeCursor([page.next.activity_at, page.next.id]) } : {}),
    };
  });

  api.get(
    '/conversations/:conversation_id',
    { schema: { params: ConversationParams, querystring: PageQuery } },
    async (request) => {
      const { app_id, conversation_id } = request.params;
      const { cursor, limit = DEFAULT_THREAD_PAGE } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor, ['number', 'string', 'number'] as const);
      if (after && after[1] !== 'message' && after[1] !== 'note') {
        throw new ApiError(
          400,
          'the cursor is not one this list handed out: pass next_cursor back as it was',
          'cursor',
        );
      }
      await store.wakeSnoozed(now(), app_id);
      const thread = await store.teamConversation(
        app_id,
        conversation_id,
        {
          ...(after ? { after: { created_at: after[0], kind: after[1] as 'message' | 'note', seq: after[2] } } : {}),
          limit,
        },
        actorOf(request).id,
      );
      return {
        conversation: thread.conversation,
        thread: thread.items,
        ...(thread.next
          ? { next_cursor: encodeCursor([thread.next.created_at, thread.next.kind, thread.next.seq]) }
          : {}),
      };
    },
  );

  api.post(
    '/conversations/:conversation_id/reply',
    { schema: { params: ConversationParams, body: ReplyBody } },
    async (request) => {
      const actor = actorOf(request);
      const { author_name, client_id } = request.body;
      // A teammate's reply is signed with their own name and avatar. The shared team token has no
      // person behind it: its replies record the built-in actor and may still name who wrote them.
      if (author_name !== undefined && actor.id !== SERVICE_TEAMMATE_ID) {
        throw new ApiError(
          400,
          'author_name is not accepted: a reply is signed with the name and avatar of the teammate who sends it',
          'body.author_name',
        );
      }
      return storedOnce(
        await store.reply(
          request.params.app_id,
          request.params.conversation_id,
          request.body.body,
          { ...authorOf(actor), ...(author_name !== undefined ? { name: author_name } : {}) },
          now(),
          client_id,
        ),
        'reply',
      );
    },
  );

  api.post(
    '/conversations/:conversation_id/state',
    { schema: { params: ConversationParams, body: StateBody } },
    async (request) => {
      const { state, snoozed_until } = request.body;
      const at = now();
      let change: StateChange;
      if (state === 'snoozed') {
        if (snoozed_until === undefined)
          throw new ApiError(400, 'snoozing needs snoozed_until (epoch ms)', 'body.snoozed_until');
        if (snoozed_until <= at) throw new ApiError(400, 'snoozed_until must be in the future', 'body.snoozed_until');
        change = { state, snoozed_until };
      } else {
        if (snoozed_until !== undefined) {
          throw new ApiError(400, `snoozed_until goes only with state "snoozed", not "${state}"`, 'body.snoozed_until');
        }
        change = { state };
      }
      return store.setState(request.params.app_id, request.params.conversation_id, change, actorOf(request).id, at);
    },
  );

  api.post('/conversations/:conversation_id/close', { schema: { params: ConversationParams } }, async (request) =>
    store.setState(
      request.params.app_id,
      request.params.conversation_id,
      { state: 'closed' },
      actorOf(request).id,
      now(),
    ),
  );

  api.post(
    '/conversations/:conversation_id/assign',
    { schema: { params: ConversationParams, body: AssignBody } },
    async (request) => {
      const { app_id, conversation_id } = request.params;
      const { assignee_id } = request.body;
      const assigned = await store.assign(app_id, conversation_id, assignee_id, actorOf(request).id, now());
      if (assigned === 'not_assignable') {
        throw new ApiError(
          400,
          `assignee_id ${JSON.stringify(assignee_id)} is not an active teammate who reaches this app`,
          'body.assignee_id',
        );
      }
      return assigned;
    },
  );

  api.post(
    '/conversations/:conversation_id/notes',
    { schema: { params: ConversationParams, body: NoteBody } },
    async (request) =>
      storedOnce(
        await store.addNote(
          request.params.app_id,
          request.params.conversation_id,
          request.body.body,
          authorOf(actorOf(request)),
          now(),
          request.body.client_id,
        ),
        'note',
      ),
  );

  api.post('/conversations/:conversation_id/read', { schema: { params: ConversationParams } }, async (request) =>
    store.markTeamRead(request.params.app_id, request.params.conversation_id, actorOf(request).id, now()),
  );

  // Whom a conversation of the app can be assigned to, for every teammate (the full list, with
  // emails and roles, is the admins' GET /api/v1/teammates): the active teammates reaching the app.
  api.get('/teammates', { schema: { params: AppParams } }, async (request) => {
    const { app_id } = request.params;
    const teammates = await store.teammates();
    return {
      teammates: teammates
        .filter((teammate) => teammate.deactivated_at === undefined)
        .filter((teammate) => reaches(teammate.apps, app_id))
        .map(({ id, name, avatar_url }) => ({ id, name, ...(avatar_url !== undefined ? { avatar_url } : {}) })),
    };
  });

  api.get('/saved_replies', { schema: { params: AppParams, querystring: PageQuery } }, async (request) => {
    const { cursor, limit = DEFAULT_PAGE } = request.query;
    const after = cursor === undefined ? undefined : decodeCursor(cursor, ['string', 'string'] as const);
    const page = await store.savedReplies(request.params.app_id, {
      ...(after ? { after: { title: after[0], id: after[1] } } : {}),
      limit,
    });
    return {
      saved_replies: page.items,
      ...(page.next ? { next_cursor: encodeCursor([page.next.title, page.next.id]) } : {}),
    };
  });

  api.get('/saved_replies/:saved_reply_id', { schema: { params: SavedReplyParams } }, async (request) =>
    store.savedReply(request.params.app_id, request.params.saved_reply_id),
  );

  api.post('/saved_replies', { schema: { params: AppParams, body: SavedReplyBody } }, async (request, reply) => {
    const actor = actorOf(request);
    requireAdmin(actor, 'write saved replies');
    reply.code(201);
    return store.createSavedReply(request.params.app_id, request.body, actor.id, now());
  });

  api.patch(
    '/saved_replies/:saved_reply_id',
    { schema: { params: SavedReplyParams, body: SavedReplyPatch } },
    async (request) => {
      const actor = actorOf(request);
      requireAdmin(actor, 'write saved replies');
      return store.updateSavedReply(
        request.params.app_id,
        request.params.saved_reply_id,
        request.body,
        actor.id,
        now(),
      );
    },
  );

  api.delete('/saved_replies/:saved_reply_id', { schema: { params: SavedReplyParams } }, async (request, reply) => {
    requireAdmin(actorOf(request), 'write saved replies');
    await store.deleteSavedReply(request.params.app_id, request.params.saved_reply_id);
    reply.code(204);
  });
}
