import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity } from '@confab/core';
import { ApiError } from './errors';

/**
 * How far a request's email can be trusted as a key to someone's record:
 * - `signed`: the server has a secret and the email is what the user_hash signed;
 * - `unsigned`: the server has a secret and nothing signed the email (a user_hash over the
 *   user_id says nothing about the email beside it): stored, shown to the team, never looked up;
 * - `unchecked`: the server has no secret, so nothing is proven and every email is looked up.
 */
export type EmailTrust = 'signed' | 'unsigned' | 'unchecked';

/** Who a request may act as, once its proof was checked. */
export interface VerifiedIdentity {
  identity: Identity;
  emailTrust: EmailTrust;
}

/** What Intercom signs: the user_id, or the email when there is no user_id. */
export function signedValue(identity: Identity): string | undefined {
  return identity.user_id ?? identity.email;
}

export function userHash(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('hex');
}

/**
 * Where the server has a secret, a request naming a user must carry its HMAC. Compared in constant
 * time (over equal-length digests), so the answer's timing says nothing about the right hash.
 */
export function verifyIdentity(secret: string | undefined, identity: Identity | undefined): VerifiedIdentity {
  const given = identity ?? {};
  if (!secret) return { identity: given, emailTrust: 'unchecked' };
  const value = signedValue(given);
  if (value === undefined) return { identity: given, emailTrust: 'unsigned' };
  if (given.user_hash === undefined) {
    throw new ApiError(401, 'identity verification is on: user_hash is required with user_id or email', 'identity.user_hash');
  }
  // Buffer.from(…, 'hex') stops at the first character that is not hex: the right hash with
  // anything after it would compare equal. Only exactly 64 hex digits are a hash at all.
  if (!/^[0-9a-f]{64}$/i.test(given.user_hash)) {
    throw new ApiError(401, 'user_hash must be the HMAC-SHA256 as 64 hex digits', 'identity.user_hash');
  }
  const expected = Buffer.from(userHash(secret, value), 'hex');
  const sent = Buffer.from(given.user_hash.toLowerCase(), 'hex');
  const same = sent.length === expected.length && timingSafeEqual(sent, expected);
  if (!same) throw new ApiError(401, `user_hash does not match ${given.user_id !== undefined ? 'user_id' : 'email'}`, 'identity.user_hash');
  return { identity: given, emailTrust: given.user_id === undefined ? 'signed' : 'unsigned' };
}
