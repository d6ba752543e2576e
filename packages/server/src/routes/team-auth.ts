// A teammate's own account: sign in and out, the password (from a one-time link, or changed),
// their sessions and their API tokens.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { ServerContext } from '../context';
import { ApiError } from '../errors';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN, verifyPassword } from '../passwords';
import { countLoginAttempt } from '../rate-limits';
import { hashToken, reaches, TEAMMATE_SESSION_MAX_MS } from '../store';
import {
  overHttps,
  ownOrigins,
  refuseCrossSite,
  requireTeammate,
  SESSION_COOKIE,
  type TeamCredentials,
} from '../team-auth';
import { AppList, AvatarUrl, Email, TeammateName } from '../teammate-schemas';

const strict = { additionalProperties: false } as const;
// Length is checked by hand for the login (a wrong length is a wrong password, answered alike).
const AnyPassword = Type.String({ maxLength: PASSWORD_MAX });
const NewPassword = Type.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX });
const LoginBody = Type.Object({ email: Email, password: AnyPassword }, strict);
const SetPasswordBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 256 }), password: NewPassword },
  strict,
);
const ChangePasswordBody = Type.Object({ current_password: AnyPassword, new_password: NewPassword }, strict);
const MeChanges = Type.Object({ name: Type.Optional(TeammateName), avatar_url: Type.Optional(AvatarUrl) }, strict);
const NewTokenBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), apps: AppList }, strict);
const SessionParams = Type.Object({ session_id: Type.String({ minLength: 1, maxLength: 64 }) });
const TokenParams = Type.Object({ token_id: Type.String({ minLength: 1, maxLength: 64 }) });

const WRONG_CREDENTIALS = 'the email and password do not match an active teammate';

/** The session cookie's attributes: unreadable by scripts, not sent by other sites' subrequests, Secure over https. */
function cookieOptions(context: ServerContext, request: FastifyRequest, expiresAt: number) {
  return {
    path: '/',
    httpOnly: true,
    // Lax, not Strict: a link to the inbox (from an email, a chat) opens it signed in; other
    // sites' writes are refused by the Origin check, and their reads cannot carry the cookie.
    sameSite: 'lax' as const,
    secure: overHttps(context, request),
    expires: new Date(expiresAt),
  };
}

function clearSessionCookie(context: ServerContext, request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: overHttps(context, request),
  });
}

function requireSessionCredentials(request: FastifyRequest, what: string): TeamCredentials & { sessionId: string } {
  const credentials = request.teamCredentials;
  if (credentials.sessionId === undefined)
    throw new ApiError(403, `${what} needs a signed-in session (a cookie), not an API token`, 'authorization');
  return credentials as TeamCredentials & { sessionId: string };
}

export async function teamAuthRoutes(app: FastifyInstance, context: ServerContext) {
  const { store, now } = context;

  // Signing in, and setting a password from a link: no credentials yet.
  await app.register(async (open) => {
    const openApi = open.withTypeProvider<TypeBoxTypeProvider>();

    openApi.post('/auth/login', { schema: { body: LoginBody } }, async (request, reply) => {
      // Login CSRF (a page signing the browser into the attacker's account): a browser's request
      // from another site says so in its Origin; a client with no Origin (curl) is no browser.
      if (request.headers.origin !== undefined && !ownOrigins(context, request).includes(request.headers.origin))
        refuseCrossSite(context, request);
      const { email, password } = request.body;
      const attempt = await countLoginAttempt(context.limiters, hashToken(email.trim().toLowerCase()), request);
      const found = await store.teammateForLogin(email);
      // An unknown email is hashed against a decoy: the same answer, after the same work.
      const matches = await verifyPassword(password, found?.password_hash);
      if (!found || !matches) throw new ApiError(401, WRONG_CREDENTIALS, 'password');
      await attempt.succeeded();
      const session = await store.openTeammateSession(
        found.teammate.id,
        {
          ...(request.headers['user-agent'] !== undefined ? { user_agent: request.headers['user-agent'] } : {}),
          ip: request.ip,
        },
        now(),
      );
      // The browser keeps the cookie for the session's longest life; the server ends it sooner when idle.
      reply.setCookie(SESSION_COOKIE, session.token, cookieOptions(context, request, now() + TEAMMATE_SESSION_MAX_MS));
      return { teammate: found.teammate, session: { id: session.id, expires_at: session.expires_at } };
    });

    openApi.post('/auth/password', { schema: { body: SetPasswordBody } }, async (request) => {
      const deadLink = () =>
        new ApiError(400, 'the link is unknown, already used or expired: ask an admin for a new one', 'token');
      // Hashing costs 32 MiB and real time: a made-up token gets none of it.
      if (!(await store.passwordLinkLive(request.body.token, now()))) throw deadLink();
      const passwordHash = await hashPassword(request.body.password);
      // Spent atomically here: of two uses at once, one wins.
      const teammate = await store.usePasswordLink(request.body.token, passwordHash, now());
      if (!teammate) throw deadLink();
      return { teammate };
    });
  });

  // Everything else: a signed-in teammate (or an API token).
  await app.register(async (own) => {
    const ownApi = own.withTypeProvider<TypeBoxTypeProvider>();
    own.addHook('onRequest', requireTeammate(context));

    ownApi.post('/auth/logout', async (request, reply) => {
      const { sessionId, teammate } = requireSessionCredentials(request, 'signing out');
      await store.endTeammateSession(teammate.id, sessionId, now());
      clearSessionCookie(context, request, reply);
      return reply.status(204).send();
    });

    ownApi.get('/me', async (request) => ({
      teammate: request.teamCredentials.teammate,
      via: request.teammate.via,
    }));

    // The apps to offer in the inbox: those that hold contacts, of the ones the credentials reach.
    ownApi.get('/apps', async (request) => ({
      apps: (await store.appsWithContacts())
        .filter((appId) => request.teamCredentials.reaches(appId))
        .map((id) => ({ id })),
    }));

    ownApi.patch('/me', { schema: { body: MeChanges } }, async (request) => {
      const teammate = await store.updateTeammate(request.teammate.id, request.body, now());
      if (!teammate)
        throw new ApiError(403, 'the team token’s built-in teammate has no profile to change', 'authorization');
      return { teammate };
    });

    ownApi.put('/me/password', { schema: { body: ChangePasswordBody } }, async (request) => {
      const { sessionId, teammate } = requireSessionCredentials(request, 'changing the password');
      const current = await store.passwordHash(teammate.id);
      if (!(await verifyPassword(request.body.current_password, current)))
        throw new ApiError(403, 'the current password is wrong', 'current_password');
      // Every other session ends: whoever knew the old password is signed out.
      await store.setPassword(teammate.id, await hashPassword(request.body.new_password), sessionId, now());
      return { ok: true };
    });

    ownApi.get('/me/sessions', async (request) => {
      const { teammate, sessionId } = request.teamCredentials;
      const sessions = await store.teammateSessions(teammate.id, now());
      return { sessions: sessions.map((session) => ({ ...session, current: session.id === sessionId })) };
    });

    ownApi.delete('/me/sessions/:session_id', { schema: { params: SessionParams } }, async (request, reply) => {
      const { teammate, sessionId } = request.teamCredentials;
      if (!(await store.endTeammateSession(teammate.id, request.params.session_id, now())))
        throw new ApiError(404, 'no live session of yours has this id', 'session_id');
      if (request.params.session_id === sessionId) clearSessionCookie(context, request, reply);
      return reply.status(204).send();
    });

    ownApi.post('/me/tokens', { schema: { body: NewTokenBody } }, async (request, reply) => {
      // A token cannot mint tokens: revoking a leaked one must be enough.
      const { teammate } = requireSessionCredentials(request, 'creating an API token');
      // `*` only for a teammate who reaches every app (reaches(apps, '*') holds only then).
      const beyond = request.body.apps.find((appId) => !reaches(teammate.apps, appId));
      if (beyond !== undefined)
        throw new ApiError(
          403,
          `a token reaches only apps you reach; you do not reach ${JSON.stringify(beyond)}`,
          'apps',
        );
      const created = await store.createApiToken(teammate.id, request.body.name, request.body.apps, now());
      return reply.status(201).send(created);
    });

    ownApi.get('/me/tokens', async (request) => ({ tokens: await store.apiTokens(request.teammate.id) }));

    ownApi.delete('/me/tokens/:token_id', { schema: { params: TokenParams } }, async (request, reply) => {
      if (!(await store.revokeApiToken(request.teammate.id, request.params.token_id, now())))
        throw new ApiError(404, 'no live API token of yours has this id', 'token_id');
      return reply.status(204).send();
    });
  });
}
