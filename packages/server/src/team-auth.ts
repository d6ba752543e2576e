// Who is calling the team's API: a teammate signed in with a session cookie, or an API token
// (a teammate's own, or the `--team-token` of the built-in service teammate). Every route under
// /api/v1/apps/:app_id/ runs `teamAuth`, which sets `request.teammate` or refuses: 401 without
// valid credentials, 403 for an app the teammate (or the token) does not reach, 403 for a
// cookie-authenticated write that comes from another origin (CSRF).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from './auth';
import type { ServerContext } from './context';
import { ApiError } from './errors';
import { reaches, type Teammate } from './store';

/** The teammate a team request acts as. */
export interface TeamActor {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'agent';
  avatar_url?: string;
  via: 'session' | 'token';
}

/** What authenticated the request, beyond the actor: the session or token, and the apps it reaches. */
export interface TeamCredentials {
  actor: TeamActor;
  teammate: Teammate;
  /** The session (cookie) or API token id; none for the team token. */
  sessionId?: string;
  tokenId?: string;
  /** The apps this request may reach: the teammate's, narrowed by the token's scope. */
  reaches(appId: string): boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by teamAuth (and requireTeammate) before any team route's handler runs. */
    teammate: TeamActor;
    teamCredentials: TeamCredentials;
  }
}

/** The session cookie's name. Not `__Host-`: that prefix needs Secure, which plain-http installs cannot set. */
export const SESSION_COOKIE = 'confab_session';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const MISSING_CREDENTIALS =
  'the team API needs a teammate: a session cookie (POST /api/v1/auth/login), or Authorization: Bearer <API token> (or the team token, --team-token)';

const digest = (value: string) => createHash('sha256').update(value).digest();

function toActor(teammate: Teammate, via: TeamActor['via']): TeamActor {
  return {
    id: teammate.id,
    name: teammate.name,
    email: teammate.email,
    role: teammate.role,
    ...(teammate.avatar_url !== undefined ? { avatar_url: teammate.avatar_url } : {}),
    via,
  };
}

/** The server's own origin as the request reached it (Host and scheme, through a trusted proxy), or --public-url's. */
export function ownOrigins(context: ServerContext, request: FastifyRequest): string[] {
  const origins = [`${request.protocol}://${request.host}`];
  if (context.publicUrl !== undefined) origins.push(new URL(context.publicUrl).origin);
  return origins;
}

/**
 * Refuses a request a page of another site made a browser send: its Origin is not the server's
 * own (nor does Sec-Fetch-Site say same-origin). A request with neither header is refused too:
 * every browser sends Origin with a write, so only a cookie copied into a script lacks it, and
 * a script can use an API token instead.
 */
export function refuseCrossSite(context: ServerContext, request: FastifyRequest): void {
  if (request.headers['sec-fetch-site'] === 'same-origin') return;
  const origin = request.headers.origin;
  if (origin !== undefined && ownOrigins(context, request).includes(origin)) return;
  throw new ApiError(
    403,
    origin === undefined
      ? 'a write signed in by cookie needs an Origin header naming this server (or use Authorization: Bearer <API token>)'
      : `a write signed in by cookie must come from this server's own pages, not ${origin}`,
    'origin',
  );
}

/** Whether the request reached the server over https (directly, or through a trusted proxy that says so). */
export function overHttps(context: ServerContext, request: FastifyRequest): boolean {
  return request.protocol === 'https' || (context.publicUrl?.startsWith('https:') ?? false);
}

/** The credentials a request carries, resolved; a 401 naming `authorization` without valid ones. */
export async function authenticate(context: ServerContext, request: FastifyRequest): Promise<TeamCredentials> {
  const now = context.now();
  const token = bearerToken(request);
  if (token !== undefined) {
    // Digests have equal length, so the comparison's time does not leak the team token's length.
    if (timingSafeEqual(digest(token), context.teamTokenDigest)) {
      const teammate = await context.serviceTeammate();
      return { actor: toActor(teammate, 'token'), teammate, reaches: () => true };
    }
    const found = await context.store.apiToken(token, now);
    if (!found)
      throw new ApiError(401, 'the API token is unknown or revoked (or its teammate deactivated)', 'authorization');
    const { api_token, teammate } = found;
    return {
      actor: toActor(teammate, 'token'),
      teammate,
      tokenId: api_token.id,
      reaches: (appId) => reaches(teammate.apps, appId) && reaches(api_token.apps, appId),
    };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie === undefined || cookie === '') throw new ApiError(401, MISSING_CREDENTIALS, 'authorization');
  const found = await context.store.teammateSession(cookie, now);
  if (!found) throw new ApiError(401, 'the session has ended or expired: sign in again', 'authorization');
  // Only cookies ride along with a cross-site request: a bearer token has to be sent on purpose.
  if (UNSAFE_METHODS.has(request.method)) refuseCrossSite(context, request);
  const { session, teammate } = found;
  return {
    actor: toActor(teammate, 'session'),
    teammate,
    sessionId: session.id,
    reaches: (appId) => reaches(teammate.apps, appId),
  };
}

/** An onRequest hook for the team routes that are not an app's (/api/v1/me, /api/v1/teammates): any teammate. */
export function requireTeammate(context: ServerContext) {
  return async (request: FastifyRequest) => {
    const credentials = await authenticate(context, request);
    request.teamCredentials = credentials;
    request.teammate = credentials.actor;
  };
}

/** An onRequest hook for the admins' routes. */
export function requireAdmin(context: ServerContext) {
  const anyTeammate = requireTeammate(context);
  return async (request: FastifyRequest) => {
    await anyTeammate(request);
    if (request.teammate.role !== 'admin')
      throw new ApiError(403, 'only an admin may manage teammates', 'authorization');
  };
}

/** The onRequest hook of every route under /api/v1/apps/:app_id/: a teammate who reaches that app. */
export function teamAuth(context: ServerContext) {
  const anyTeammate = requireTeammate(context);
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    await anyTeammate(request);
    const appId = (request.params as { app_id?: string }).app_id;
    if (appId === undefined || !request.teamCredentials.reaches(appId))
      throw new ApiError(
        403,
        `${request.teammate.via === 'token' && request.teamCredentials.tokenId ? 'this API token' : 'this teammate'} cannot reach app ${JSON.stringify(appId ?? '')}`,
        'app_id',
      );
  };
}
