// Intercom's recommended identity proof: `intercom_user_jwt`, a JWT the site's backend signs with
// the app's secret (HS256). Its claims are the signed truth about the user; jose checks the
// signature, the algorithm and `exp`.
import { errors, jwtVerify } from 'jose';
import { IdentityUnprovenError } from '../domain-errors';

/** The claims a user JWT may carry that Confab reads; others are ignored. */
export interface UserClaims {
  user_id: string;
  email?: string;
  name?: string;
}

const STRING_MAX = 255;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function refuse(reason: string): never {
  throw new IdentityUnprovenError('intercom_user_jwt', `intercom_user_jwt ${reason}`);
}

/** Why jose refused the token, as a caller can act on it. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'has expired (its exp claim is in the past): sign a fresh one';
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'must be signed with HS256 (alg "none" and other algorithms are refused)';
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "signature does not match: sign it with the app's secret";
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === 'user_id'
      ? 'must carry a user_id claim'
      : `claim ${error.claim} is invalid (${error.message})`;
  }
  return 'is not a well-formed signed JWT';
}

function optionalString(payload: Record<string, unknown>, claim: 'email' | 'name'): string | undefined {
  const value = payload[claim];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > STRING_MAX || (claim === 'email' && !EMAIL.test(value))) {
    refuse(
      `claim ${claim} must be ${claim === 'email' ? 'an email address' : 'a string'} of at most ${STRING_MAX} characters`,
    );
  }
  return value;
}

export async function verifyUserJwt(secret: string, token: string, now: number): Promise<UserClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['user_id'],
      currentDate: new Date(now),
    }));
  } catch (error) {
    refuse(reasonOf(error));
  }
  const rawId = payload.user_id;
  const user_id = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : rawId;
  if (typeof user_id !== 'string' || user_id.length === 0 || user_id.length > STRING_MAX) {
    refuse(`claim user_id must be a non-empty string of at most ${STRING_MAX} characters`);
  }
  const email = optionalString(payload, 'email');
  const name = optionalString(payload, 'name');
  return { user_id, ...(email !== undefined ? { email } : {}), ...(name !== undefined ? { name } : {}) };
}
