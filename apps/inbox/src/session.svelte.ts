// Who is signed in: the teammate from GET /api/v1/me, or nobody. Every screen reads it; a 401 on
// any call (api/client.ts) ends it, and whatever holds a live connection for it closes on that.
import type { Teammate } from '@confab/server';
import { api } from './api/client';

export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

class Session {
  /** The signed-in teammate; null while unknown or signed out. */
  teammate = $state<Teammate | null>(null);
  status = $state<SessionStatus>('unknown');
  readonly isAdmin = $derived(this.teammate?.role === 'admin');
  #endListeners = new Set<() => void>();

  /** Asks the server who the cookie belongs to (on start). */
  async load(): Promise<void> {
    try {
      const { teammate } = await api<{ teammate: Teammate }>('GET', '/api/v1/me');
      this.teammate = teammate;
      this.status = 'signed-in';
    } catch {
      // A 401 has signed out already; the server unreachable leaves the login page to say so.
      this.signedOut();
    }
  }

  async signIn(email: string, password: string): Promise<Teammate> {
    const { teammate } = await api<{ teammate: Teammate }>('POST', '/api/v1/auth/login', { email, password });
    this.teammate = teammate;
    this.status = 'signed-in';
    return teammate;
  }

  /** Ends the session on the server, then here (here even when the server cannot be reached). */
  async signOut(): Promise<void> {
    try {
      await api('POST', '/api/v1/auth/logout');
    } finally {
      this.signedOut();
    }
  }

  /** The session is over (logout, expiry, a 401): forget the teammate, tell whoever listens. */
  signedOut(): void {
    const wasSignedIn = this.status === 'signed-in';
    this.teammate = null;
    this.status = 'signed-out';
    if (wasSignedIn) for (const listener of [...this.#endListeners]) listener();
  }

  /** Runs `listener` whenever a signed-in session ends; returns its removal. */
  onEnd(listener: () => void): () => void {
    this.#endListeners.add(listener);
    return () => this.#endListeners.delete(listener);
  }

  /** Replaces the teammate after a change of theirs (name, avatar). */
  update(teammate: Teammate): void {
    this.teammate = teammate;
  }
}

export const session = new Session();
