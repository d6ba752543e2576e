// Who is asking on the team API. The accounts part sets `request.teammate` (team-auth.ts); until
// that is in place every team request carries the shared team token, and acts as the built-in
// actor that token stands for, so every write still records someone.
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from './context';
import { ApiError } from './errors';
import type { TeamAuthor } from './store';

export interface TeamActor {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'agent';
  avatar_url?: string;
  via: 'session' | 'token';
}

/** The id writes made with the shared team token record. */
export const TEAM_TOKEN_ACTOR_ID = 'team-token';

export function actorOf(request: FastifyRequest, context: ServerContext): TeamActor {
  const teammate = (request as FastifyRequest & { teammate?: TeamActor }).teammate;
  return (
    teammate ?? {
      id: TEAM_TOKEN_ACTOR_ID,
      name: context.messengerSettings.team_name ?? 'Support',
      email: '',
      role: 'admin',
      via: 'token',
    }
  );
}

export function authorOf(actor: TeamActor): TeamAuthor {
  return { id: actor.id, name: actor.name, ...(actor.avatar_url ? { avatar_url: actor.avatar_url } : {}) };
}

/** Admin-only writes (saved replies): an agent is refused with a 403. */
export function requireAdmin(actor: TeamActor, what: string): void {
  if (actor.role !== 'admin') throw new ApiError(403, `only an admin may ${what}`, 'authorization');
}

/**
 * Whether a teammate may be given a conversation of this app: an active teammate who reaches it.
 * Until teammate accounts exist, the built-in token actor is the only teammate there is.
 */
export async function reachableTeammate(_context: ServerContext, _appId: string, teammateId: string): Promise<boolean> {
  return teammateId === TEAM_TOKEN_ACTOR_ID;
}
