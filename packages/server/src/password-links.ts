// The one-time link that lets a teammate set their password (an invite, or a reset). The token
// rides in the fragment: browsers never send it to a server, so it stays out of access logs and
// Referer headers. The inbox serves the page at this path; until it does, the token is spent with
// POST /api/v1/auth/password (API.md).
import type { OneTimeSecret } from './store';

export const PASSWORD_LINK_PATH = '/inbox/set-password';

export interface PasswordLink {
  url: string;
  expires_at: number;
}

/** The link for `secret` on the server reachable at `base` (an origin, maybe with a path prefix). */
export function passwordLink(base: string, secret: OneTimeSecret): PasswordLink {
  return {
    url: `${base.replace(/\/+$/, '')}${PASSWORD_LINK_PATH}#token=${encodeURIComponent(secret.token)}`,
    expires_at: secret.expires_at,
  };
}
