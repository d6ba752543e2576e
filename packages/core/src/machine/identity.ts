import type { Identity } from '../protocol/wire';

export function isLead(identity: Identity): boolean {
  return identity.user_id === undefined && identity.email === undefined;
}

/**
 * Whether a `boot` while booted names the person already booted (then it acts as `update`) or
 * someone else (then it is a shutdown followed by a boot). A lead who now gives a user_id or an
 * email is the same visitor identifying themselves: the server moves the lead's data to the user.
 */
export function isSamePerson(signedCurrent: Identity, signedNext: Identity): boolean {
  const current = withClaimedUserId(signedCurrent);
  const next = withClaimedUserId(signedNext);
  if (isLead(next)) return isLead(current);
  if (isLead(current)) return true;
  if (current.user_id !== undefined && next.user_id !== undefined) return current.user_id === next.user_id;
  if (current.email !== undefined && next.email !== undefined) {
    return current.email.toLowerCase() === next.email.toLowerCase();
  }
  // One names a user_id, the other only an email: nothing proves they differ, and logging a
  // person out on that guess would lose their conversation.
  return true;
}

/**
 * The user_id an `intercom_user_jwt` claims, read (not verified: the server does that) so a page
 * that names its users by JWT alone still logs one out before booting the next.
 */
export function withClaimedUserId(identity: Identity): Identity {
  if (identity.user_id !== undefined || identity.intercom_user_jwt === undefined) return identity;
  try {
    const claimed = JSON.parse(
      atob(identity.intercom_user_jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')),
    ).user_id;
    return claimed == null ? identity : { ...identity, user_id: String(claimed) };
  } catch {
    return identity;
  }
}
