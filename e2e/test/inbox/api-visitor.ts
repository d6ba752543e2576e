// A visitor who writes through the messenger API directly (no browser): for tests that need
// conversations in the inbox but do not watch the visitor's side.
import { randomUUID } from 'node:crypto';
import type { Confab } from '../confab';

/** Boots a visitor named `name` and starts a conversation with `body`; returns its id. */
export async function apiVisitorConversation(
  confab: Confab,
  origin: string,
  name: string,
  body: string,
): Promise<string> {
  const base = `${confab.url}/messenger/v1/apps/acme`;
  let token = '';
  // biome-ignore lint/suspicious/noExplicitAny: the messenger's answers are read by the fields used.
  async function call(path: string, payload: unknown): Promise<any> {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(payload),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }
  const booted = await call('/boot', {
    app_id: 'acme',
    visitor_id: randomUUID(),
    device_id: randomUUID(),
    identity: { user_id: randomUUID(), email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com` },
    attributes: { name },
  });
  token = booted.session.token;
  const started = await call('/conversations', { body, client_id: randomUUID() });
  return started.conversation.id as string;
}
