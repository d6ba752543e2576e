// The admins' side of accounts: invite teammates (a one-time link sets their password), list them,
// change their role, name or apps, deactivate and reactivate them, and hand out a new password link.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { ServerContext } from '../context';
import { ApiError } from '../errors';
import { passwordLink } from '../password-links';
import { SERVICE_TEAMMATE_ID, type Teammate } from '../store';
import { requireAdmin } from '../team-auth';
import { AppList, AvatarUrl, Email, TeammateName } from '../teammate-schemas';

const strict = { additionalProperties: false } as const;
const Role = Type.Union([Type.Literal('admin'), Type.Literal('agent')]);
const InviteBody = Type.Object(
  {
    email: Email,
    name: TeammateName,
    role: Role,
    apps: AppList,
    avatar_url: Type.Optional(AvatarUrl),
  },
  strict,
);
const TeammateChangesBody = Type.Object(
  {
    name: Type.Optional(TeammateName),
    role: Type.Optional(Role),
    apps: Type.Optional(AppList),
    avatar_url: Type.Optional(AvatarUrl),
  },
  { ...strict, minProperties: 1 },
);
const TeammateParams = Type.Object({ teammate_id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Where the links this request hands out point: --public-url, else the server as the request reached it. */
export function linkBase(context: ServerContext, request: FastifyRequest): string {
  return context.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** An admin grants only apps they reach themselves (and `*` only when they reach every app). */
function refuseAppsBeyondCaller(request: FastifyRequest, apps: string[]) {
  const beyond = apps.find((appId) => !request.teamCredentials.reaches(appId));
  if (beyond !== undefined)
    throw new ApiError(403, `an admin grants only apps they reach; you do not reach ${JSON.stringify(beyond)}`, 'apps');
}

const isActiveAdmin = (teammate: Teammate) => teammate.role === 'admin' && teammate.deactivated_at === undefined;

export async function teammateRoutes(app: FastifyInstance, context: ServerContext) {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { store, now } = context;
  app.addHook('onRequest', requireAdmin(context));

  async function known(id: string): Promise<Teammate> {
    const teammate = await store.teammate(id);
    if (!teammate || id === SERVICE_TEAMMATE_ID) throw new ApiError(404, 'no teammate has this id', 'teammate_id');
    return teammate;
  }

  /** At least one active admin must remain, or nobody could manage the team again. */
  async function refuseLosingTheLastAdmin(id: string) {
    const admins = (await store.teammates()).filter(isActiveAdmin);
    if (admins.length === 1 && admins[0]!.id === id)
      throw new ApiError(409, 'this is the last active admin: make another admin first', 'teammate_id');
  }

  api.post('/teammates', { schema: { body: InviteBody } }, async (request, reply) => {
    refuseAppsBeyondCaller(request, request.body.apps);
    const created = await store.createTeammate(request.body, now());
    if (!created) throw new ApiError(409, 'a teammate already has this email', 'email');
    return reply
      .status(201)
      .send({ teammate: created.teammate, password_link: passwordLink(linkBase(context, request), created.link) });
  });

  api.get('/teammates', async () => ({ teammates: await store.teammates() }));

  api.get('/teammates/:teammate_id', { schema: { params: TeammateParams } }, async (request) => ({
    teammate: await known(request.params.teammate_id),
  }));

  api.patch(
    '/teammates/:teammate_id',
    { schema: { params: TeammateParams, body: TeammateChangesBody } },
    async (request) => {
      const target = await known(request.params.teammate_id);
      if (request.body.apps !== undefined) refuseAppsBeyondCaller(request, request.body.apps);
      if (request.body.role === 'agent' && target.role === 'admin') await refuseLosingTheLastAdmin(target.id);
      return { teammate: await store.updateTeammate(target.id, request.body, now()) };
    },
  );

  api.post('/teammates/:teammate_id/deactivate', { schema: { params: TeammateParams } }, async (request) => {
    const target = await known(request.params.teammate_id);
    if (isActiveAdmin(target)) await refuseLosingTheLastAdmin(target.id);
    return { teammate: await store.deactivateTeammate(target.id, now()) };
  });

  // Undoes a deactivation; the sessions and tokens it ended stay ended.
  api.post('/teammates/:teammate_id/reactivate', { schema: { params: TeammateParams } }, async (request) => {
    const target = await known(request.params.teammate_id);
    return { teammate: await store.reactivateTeammate(target.id, now()) };
  });

  api.post('/teammates/:teammate_id/password_link', { schema: { params: TeammateParams } }, async (request) => {
    const target = await known(request.params.teammate_id);
    const secret = await store.createPasswordLink(target.id, now());
    if (!secret) throw new ApiError(409, 'a deactivated teammate gets no password link', 'teammate_id');
    return { password_link: passwordLink(linkBase(context, request), secret) };
  });
}
