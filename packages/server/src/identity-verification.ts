import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity } from '@confab/core';
import { ApiError } from './errors';

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
export function verifyIdentity(secret: string | undefined, identity: Identity | undefined): void {
  if (!secret || !identity) return;
  const value = signedValue(identity);
  if (value === undefined) return;
  if (identity.user_hash === undefined) {
    throw new ApiError(401, 'identity verification is on: user_hash is required with user_id or email', 'identity.user_hash');
  }
  // Buffer.from(…, 'hex') stops at the first character that is not hex: the right hash with
  // anything after it would compare equal. Only exactly 64 hex digits are a hash at all.
  if (!/^[0-9a-f]{64}$/i.test(identity.user_hash)) {
    throw new ApiError(401, 'user_hash must be the HMAC-SHA256 as 64 hex digits', 'identity.user_hash');
  }
  const expected = Buffer.from(userHash(secret, value), 'hex');
  const given = Buffer.from(identity.user_hash.toLowerCase(), 'hex');
  const same = given.length === expected.length && timingSafeEqual(given, expected);
  if (!same) throw new ApiError(401, `user_hash does not match ${identity.user_id !== undefined ? 'user_id' : 'email'}`, 'identity.user_hash');
}
