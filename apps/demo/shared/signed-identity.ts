// The framework pages' login: the demo's stand-in site backend (POST /demo/sign) signs who the
// visitor says they are, as a site's server would print it into its page. A user_id is signed
// into an intercom_user_jwt (with the email as a claim); an email alone gets its user_hash.
export interface SignedIdentity {
  user_id?: string;
  email?: string;
  user_hash?: string;
  intercom_user_jwt?: string;
}

export async function signedIdentity(userId: string, email: string): Promise<SignedIdentity> {
  const named = { ...(userId ? { user_id: userId } : {}), ...(email ? { email } : {}) };
  if (!userId && !email) return {};
  const response = await fetch('/demo/sign', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ proof: userId ? 'intercom_user_jwt' : 'user_hash', ...named }),
  });
  const body = (await response.json()) as SignedIdentity & { error?: { message: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
  return { ...named, ...body };
}
