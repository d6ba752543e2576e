// Who, on the team, is asking: the teammate the team auth hook set (`request.teammate`), or, while
// the team API is reached with the shared --team-token, one built-in actor standing for the team.
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from './context';

export interface TeamActorView {
  id: string;
  name: string;
  avatar_url?: string;
}

/** The actor id of requests made with the shared --team-token. */
export const TEAM_TOKEN_ACTOR_ID = 'team-token';

export function actorOf(request: FastifyRequest, context: ServerContext): TeamActorView {
  const teammate = (request as FastifyRequest & { teammate?: TeamActorView }).teammate;
  if (teammate) return teammate;
  return { id: TEAM_TOKEN_ACTOR_ID, name: context.messengerSettings.team_name || 'Support' };
}
