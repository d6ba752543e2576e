// GET /search: the team's full-text search over conversations (store/search.ts), with the
// conversation list's filters. Registered in the team routes' scope, so it answers to the same
// team authentication as every team route.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { ServerContext } from '../context';
import { ApiError } from '../errors';
import { AppParams, ConversationQuery } from '../schemas';
import type { ConversationFilter } from '../store';
import { decodeSearchCursor } from '../store/search';
import { parseQuery, QUERY_TERMS_MAX } from '../store/search-terms';
import { actorOf } from '../team-actor';

export const SEARCH_QUERY_MAX = 200;
export const SEARCH_PAGE_DEFAULT = 20;
export const SEARCH_PAGE_MAX = 50;

const SearchQuerystring = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: SEARCH_QUERY_MAX }),
    state: ConversationQuery.properties.state,
    /** As on GET /conversations: `me`, `unassigned`, `all` (the default) or a teammate's id. */
    assignee: ConversationQuery.properties.assignee,
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,1}$' })),
  },
  { additionalProperties: false },
);

export async function searchRoutes(app: FastifyInstance, context: ServerContext) {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/search', { schema: { params: AppParams, querystring: SearchQuerystring } }, async (request) => {
    const { q, state, assignee = 'all', cursor: cursorText, limit: limitText } = request.query;
    const query = parseQuery(q);
    if (!query) throw new ApiError(400, 'querystring.q: must hold at least one letter or digit', 'querystring.q');
    if (query.terms.length > QUERY_TERMS_MAX)
      throw new ApiError(400, `querystring.q: at most ${QUERY_TERMS_MAX} words`, 'querystring.q');
    const cursor = cursorText === undefined ? undefined : decodeSearchCursor(cursorText);
    if (cursorText !== undefined && !cursor)
      throw new ApiError(400, 'querystring.cursor: not a cursor this search handed out', 'querystring.cursor');
    const limit = limitText === undefined ? SEARCH_PAGE_DEFAULT : Number(limitText);
    if (limit > SEARCH_PAGE_MAX)
      throw new ApiError(400, `querystring.limit: at most ${SEARCH_PAGE_MAX}`, 'querystring.limit');
    const actor = actorOf(request);
    const filter: ConversationFilter = {
      ...(state ? { state } : {}),
      ...(assignee === 'all'
        ? {}
        : { assignee: assignee === 'me' ? actor.id : assignee === 'unassigned' ? null : assignee }),
    };
    // A snooze that is due counts as open here as in the list.
    await context.store.wakeSnoozed(context.now(), request.params.app_id);
    return context.store.searchConversations(
      request.params.app_id,
      query,
      filter,
      { ...(cursor ? { cursor } : {}), limit },
      actor.id,
    );
  });
}
