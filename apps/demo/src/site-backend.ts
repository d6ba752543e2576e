// The demo's stand-in for a site's own backend. A real site signs who is logged in on its server,
// with the app's secret, and prints the proof into the page; here the page asks this route for it.
// It signs whatever the form says: a playground, never a pattern for production.
import { type StartOptions, userHash } from '@confab/server';
import { SignJWT } from 'jose';

export const SIGN_PATH = '/demo/sign';
/** How long a demo JWT stays valid: Intercom recommends matching the site's own session. */
const JWT_LIFETIME = '1h';

type Routes = NonNullable<StartOptions['routes']>;
type App = Parameters<Routes>[0];

interface SignRequest {
  proof: 'user_hash' | 'intercom_user_jwt';
  user_id?: string;
  email?: string;
  name?: string;
}

const text = { type: 'string', minLength: 1, maxLength: 255 } as const;
const SignBody = {
  type: 'object',
  properties: { proof: { enum: ['user_hash', 'intercom_user_jwt'] }, user_id: text, email: text, name: text },
  required: ['proof'],
  additionalProperties: false,
} as const;

/** `POST /demo/sign { proof, user_id?, email?, name? }` → `{ user_hash }` or `{ intercom_user_jwt }`. */
export function siteBackend(secret: string): Routes {
  return (app: App) => {
    app.post<{ Body: SignRequest }>(SIGN_PATH, { schema: { body: SignBody } }, async (request, reply) => {
      const { proof, user_id, email, name } = request.body;
      if (proof === 'user_hash') {
        const signed = user_id ?? email;
        if (signed === undefined)
          return reply.status(400).send({
            error: {
              status: 400,
              code: 'invalid_request',
              message: 'user_hash signs a user_id or an email: give one',
              field: 'body.user_id',
            },
          });
        return { user_hash: userHash(secret, signed) };
      }
      if (user_id === undefined)
        return reply.status(400).send({
          error: {
            status: 400,
            code: 'invalid_request',
            message: 'an intercom_user_jwt needs a user_id claim',
            field: 'body.user_id',
          },
        });
      const claims = { user_id, ...(email !== undefined ? { email } : {}), ...(name !== undefined ? { name } : {}) };
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime(JWT_LIFETIME)
        .sign(new TextEncoder().encode(secret));
      return { intercom_user_jwt: token };
    });
  };
}
