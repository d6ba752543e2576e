// Identity verification: what a request naming a user proves, and how far its email can be trusted
// (EmailTrust, store/rows.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity } from '@confab/core/protocol';
import { IdentityUnprovenError } from '../domain-errors';
import type { EmailTrust } from '../store';
import { verifyUserJwt } from './user-jwt';

/** Who a request may act as, once its proof was checked. */
export interface VerifiedIdentity {
  /** user_id and email only: the proofs are spent. */
  identity: Identity;
  emailTrust: EmailTrust;
  /** A JWT's name claim, which wins over the name the page sent. */
  name?: string;
}

/** What Intercom signs: the user_id, or the email when there is no user_id. */
export function signedValue(identity: Identity): string | undefined {
  return identity.user_id ?? identity.email;
}

export function userHash(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('hex');
}

/**
 * Where the server has a secret, a request naming a user must prove it: an `intercom_user_jwt`
 * (its claims replace what the page sent unsigned; a user_hash beside it is not checked), or a
 * user_hash over the user_id (or over the email when there is no user_id). Without a secret
 * nothing is checked and nothing is proven.
 */
export async function verifyIdentity(
  secret: string | undefined,
  identity: Identity | undefined,
  now: number,
  call: 'boot' | 'update',
): Promise<VerifiedIdentity> {
  const { user_hash, intercom_user_jwt, ...named } = identity ?? {};
  if (!secret) return { identity: named, emailTrust: 'unchecked' };
  if (intercom_user_jwt !== undefined) {
    const claims = await verifyUserJwt(secret, intercom_user_jwt, now);
    const email = claims.email ?? named.email;
    return {
      identity: { user_id: claims.user_id, ...(email !== undefined ? { email } : {}) },
      emailTrust: claims.email !== undefined ? 'signed' : 'unsigned',
      ...(claims.name !== undefined ? { name: claims.name } : {}),
    };
  }
  const value = signedValue(named);
  if (value === undefined) return { identity: named, emailTrust: 'unsigned' };
  // An update's session already says who is asking: an email alone, unsigned, is that person
  // saying how to reach them (a lead answering the messenger's email prompt), kept unproven.
  if (call === 'update' && named.user_id === undefined && user_hash === undefined)
    return { identity: named, emailTrust: 'unsigned' };
  if (user_hash === undefined) {
    throw new IdentityUnprovenError(
      'user_hash',
      'identity verification is on: user_hash is required with user_id or email (or sign them in an intercom_user_jwt)',
    );
  }
  checkUserHash(secret, value, user_hash, named.user_id !== undefined ? 'user_id' : 'email');
  return { identity: named, emailTrust: named.user_id === undefined ? 'signed' : 'unsigned' };
}

/** Compared in constant time (over equal-length digests): the answer's timing says nothing about the right hash. */
function checkUserHash(secret: string, value: string, hash: string, signedField: 'user_id' | 'email'): void {
  // Buffer.from(…, 'hex') stops at the first character that is not hex: the right hash with
  // anything after it would compare equal. Only exactly 64 hex digits are a hash at all.
  if (!/^[0-9a-f]{64}$/i.test(hash)) {
    throw new IdentityUnprovenError('user_hash', 'user_hash must be the HMAC-SHA256 as 64 hex digits');
  }
  const expected = Buffer.from(userHash(secret, value), 'hex');
  const sent = Buffer.from(hash.toLowerCase(), 'hex');
  const same = sent.length === expected.length && timingSafeEqual(sent, expected);
  if (!same) throw new IdentityUnprovenError('user_hash', `user_hash does not match ${signedField}`);
}
