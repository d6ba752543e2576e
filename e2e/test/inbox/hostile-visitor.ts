// A visitor who writes markup everywhere the messenger API takes text, calling the API directly
// (as a script could; the widget would refuse some of it, such as an email that is markup): the
// contact's name, email, company and custom attributes (keys and values), the page viewed (URL
// and title), tracked events (names, metadata keys and values), and one message per payload.
import { randomUUID } from 'node:crypto';
import type { Confab } from '../confab';

export async function hostileVisitor(confab: Confab, origin: string, corpus: string[], email: string) {
  const base = `${confab.url}/messenger/v1/apps/acme`;
  let token = '';
  // biome-ignore lint/suspicious/noExplicitAny: the messenger's answers are read by the fields used.
  async function call(path: string, body: unknown): Promise<any> {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  }
  const customAttributes = Object.fromEntries(corpus.map((payload, index) => [`attr_${index}`, payload]));
  for (const payload of corpus.slice(0, 5)) customAttributes[payload] = payload;
  const booted = await call('/boot', {
    app_id: 'acme',
    visitor_id: randomUUID(),
    device_id: randomUUID(),
    identity: { user_id: corpus[5], email },
    attributes: {
      name: corpus[0],
      company: { company_id: 'evil', name: corpus[2], website: corpus[6], custom_attributes: { note: corpus[1] } },
      custom_attributes: customAttributes,
    },
    page: { url: 'javascript:window.__xss=40', title: corpus[0] },
  });
  token = booted.session.token;
  for (const payload of corpus)
    await call('/update', {
      attributes: {},
      page: { url: `https://shop.test/?q=${encodeURIComponent(payload)}`, title: payload },
    });
  await call('/events', {
    events: corpus.map((payload) => ({
      id: randomUUID(),
      name: payload,
      created_at: Date.now(),
      metadata: { payload, [payload]: 1, link: 'javascript:window.__xss=41' },
    })),
  });
  const started = await call('/conversations', { body: corpus[0], client_id: randomUUID() });
  const conversationId: string = started.conversation.id;
  for (const payload of corpus.slice(1)) {
    await call(`/conversations/${conversationId}/messages`, { body: payload, client_id: randomUUID() });
  }
  return { contactId: booted.person.id as string, conversationId };
}
