// Who is asking on the messenger API: a session's bearer token (the team's API: team-auth.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from './context';
import { SessionEndedError } from './domain-errors';
import { ApiError } from './errors';
import type { SessionRecord } from './store';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** The live session a request's bearer token names, and the token; a 401 naming `authorization` otherwise. */
export async function requireSession(
  context: ServerContext,
  request: FastifyRequest,
  appId: string,
  /** What the 401 of a request without a token tells the caller to send. */
  howToSend: string,
): Promise<{ token: string; session: SessionRecord }> {
  const token = bearerToken(request);
  if (!token) throw new ApiError(401, `a session token is required: send ${howToSend}`, 'authorization');
  const session = await context.store.session(appId, token, context.now());
  if (!session) throw new SessionEndedError();
  return { token, session };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** An onRequest hook that lets through only requests carrying `expected` as their bearer token; a 401 saying `refusal` otherwise. */
export function requireBearerToken(expected: string, refusal: string) {
  const digestOfExpected = digest(expected);
  return async (request: FastifyRequest) => {
    const token = bearerToken(request);
    // Digests have equal length, so the comparison's time does not leak the token's length.
    if (!token || !timingSafeEqual(digest(token), digestOfExpected)) throw new ApiError(401, refusal, 'authorization');
  };
}
