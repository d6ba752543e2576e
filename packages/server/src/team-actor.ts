// Who is asking on the team API, as the routes use it: teamAuth (team-auth.ts) has set
// `request.teammate` before any handler runs (a signed-in teammate, an API token's, or the
// `--team-token`'s built-in service teammate).
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors';
import type { TeamAuthor } from './store';
import type { TeamActor } from './team-auth';

export function actorOf(request: FastifyRequest): TeamActor {
  return request.teammate;
}

/** How a reply or note of the actor is signed: their id, name and avatar as they are now. */
export function authorOf(actor: TeamActor): TeamAuthor {
  return { id: actor.id, name: actor.name, ...(actor.avatar_url ? { avatar_url: actor.avatar_url } : {}) };
}

/** Admin-only writes (saved replies): an agent is refused with a 403. */
export function requireAdmin(actor: TeamActor, what: string): void {
  if (actor.role !== 'admin') throw new ApiError(403, `only an admin may ${what}`, 'authorization');
}
