// A visitor on a site, as confab.js would be: the messenger API from Node (boot, update, events,
// conversations), straight to the real test server, so the inbox has a contact to show.
import { nodeJson } from './node-http';

let visitors = 0;

export interface Visitor {
  contactId: string;
  token: string;
  update(body: object): Promise<void>;
  track(events: { name: string; metadata?: Record<string, string | number | boolean | null> }[]): Promise<void>;
  /** Starts a conversation; answers its id. */
  write(body: string): Promise<string>;
}

export async function bootVisitor(
  appId: string,
  boot: { identity?: object; attributes?: object; page?: object } = {},
): Promise<Visitor> {
  visitors++;
  const base = `/messenger/v1/apps/${encodeURIComponent(appId)}`;
  const booted = await nodeJson('POST', `${base}/boot`, {
    app_id: appId,
    visitor_id: `inbox-visitor-${visitors}-${Date.now()}`,
    device_id: `inbox-device-${visitors}`,
    identity: boot.identity ?? {},
    attributes: boot.attributes ?? {},
    ...(boot.page ? { page: boot.page } : {}),
  });
  if (booted.status !== 200) throw new Error(`boot failed: ${booted.status} ${JSON.stringify(booted.body)}`);
  const { session, person } = booted.body as { session: { token: string }; person: { id: string } };
  const token = session.token;
  let events = 0;
  let conversations = 0;
  return {
    contactId: person.id,
    token,
    async update(body) {
      const answer = await nodeJson('POST', `${base}/update`, { attributes: {}, ...body }, token);
      if (answer.status !== 200) throw new Error(`update failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    },
    async track(list) {
      const answer = await nodeJson(
        'POST',
        `${base}/events`,
        { events: list.map((event) => ({ id: `event-${visitors}-${++events}`, created_at: Date.now(), ...event })) },
        token,
      );
      if (answer.status !== 200) throw new Error(`events failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    },
    async write(body) {
      const answer = await nodeJson(
        'POST',
        `${base}/conversations`,
        { body, client_id: `c-${visitors}-${++conversations}` },
        token,
      );
      if (answer.status !== 200) throw new Error(`starting failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      return (answer.body as { conversation: { id: string } }).conversation.id;
    },
  };
}
