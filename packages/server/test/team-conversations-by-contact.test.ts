// `GET /conversations?contact_id=`: one contact's conversations (the inbox's contact pane lists
// their others), in the team's order, combined with the other filters and paged; over real HTTP
// on SQLite and PostgreSQL. Another app's contact reads as nobody's, another app's teammate is
// refused, a malformed id is a 400 naming the parameter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, call, messenger, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';
import { addTeammate } from './teammates-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const asTeam = { token: TEAM_TOKEN };
let started = 0;

/** A visitor of `appId` who starts `count` conversations; answers their contact id and the conversation ids. */
async function visitorWith(appId: string, count: number) {
  const visitor = await boot(server, { app_id: appId });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    started++;
    const answer = await call(server, 'POST', `${messenger(appId)}/conversations`, {
      token: visitor.session.token,
      body: { body: `Question ${started}`, client_id: `by-contact-${started}` },
    });
    expect(answer.status).toBe(200);
    ids.push(answer.body.conversation.id as string);
  }
  const thread = await call(server, 'GET', `${team(appId)}/conversations/${ids[0]}`, asTeam);
  return { contactId: thread.body.conversation.contact.id as string, ids };
}

const list = (appId: string, query: string, credentials: { token: string } = asTeam) =>
  call(server, 'GET', `${team(appId)}/conversations?${query}`, credentials);

describe('?contact_id=', () => {
  it("lists only that contact's conversations, most recent activity first, combined with state and paged", async () => {
    const app = 'by-contact';
    const ada = await visitorWith(app, 3);
    const other = await visitorWith(app, 2);
    // A note and a close move Ada's older conversations in the team's order.
    await call(server, 'POST', `${team(app)}/conversations/${ada.ids[0]}/notes`, { ...asTeam, body: { body: 'VIP' } });
    await call(server, 'POST', `${team(app)}/conversations/${ada.ids[1]}/close`, asTeam);

    const all = await list(app, `contact_id=${encodeURIComponent(ada.contactId)}`);
    expect(all.status).toBe(200);
    const listed = all.body.conversations as { id: string; contact: { id: string } }[];
    expect(new Set(listed.map((c) => c.id))).toEqual(new Set(ada.ids));
    // The team's order: the app's whole list, keeping Ada's.
    const whole = (await list(app, 'limit=100')).body.conversations as { id: string }[];
    expect(listed.map((c) => c.id)).toEqual(whole.map((c) => c.id).filter((id) => ada.ids.includes(id)));
    expect(listed.every((c) => c.contact.id === ada.contactId)).toBe(true);

    const open = await list(app, `contact_id=${encodeURIComponent(ada.contactId)}&state=open`);
    expect((open.body.conversations as { id: string }[]).map((c) => c.id).sort()).toEqual(
      [ada.ids[0], ada.ids[2]].sort(),
    );
    const closedUnassigned = await list(
      app,
      `contact_id=${encodeURIComponent(other.contactId)}&state=closed&assignee=unassigned`,
    );
    expect(closedUnassigned.body.conversations).toEqual([]);

    // Paged one at a time: every one of Ada's, none twice, nobody else's.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(
        app,
        `contact_id=${encodeURIComponent(ada.contactId)}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      paged.push(...(page.body.conversations as { id: string }[]).map((c) => c.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(paged).toEqual(listed.map((c) => c.id));
  });

  it("another app's contact reads as nobody's: its conversations never show under this app", async () => {
    const elsewhere = await visitorWith('by-contact-elsewhere', 1);
    const answer = await list('by-contact', `contact_id=${encodeURIComponent(elsewhere.contactId)}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ conversations: [] });
    expect((await list('by-contact', 'contact_id=nobody-has-this-id')).body).toEqual({ conversations: [] });
  });

  it("a teammate of another app is refused the app's contact list (403 naming app_id), and sees nothing of it in their own", async () => {
    const ada = await visitorWith('by-contact-private', 1);
    const outsider = await addTeammate(server, { role: 'agent', apps: ['by-contact-outside'] });
    const refused = await list('by-contact-private', `contact_id=${encodeURIComponent(ada.contactId)}`, {
      token: outsider.token,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.field).toBe('app_id');
    expect(JSON.stringify(refused.body)).not.toContain(ada.ids[0]);
    const own = await list('by-contact-outside', `contact_id=${encodeURIComponent(ada.contactId)}`, {
      token: outsider.token,
    });
    expect(own.status).toBe(200);
    expect(own.body.conversations).toEqual([]);
  });

  it('refuses an empty or an overlong contact_id, naming the parameter', async () => {
    for (const bad of ['', 'x'.repeat(129)]) {
      const answer = await list('by-contact', `contact_id=${bad}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error.field).toBe('querystring.contact_id');
    }
    const twice = await list('by-contact', 'contact_id=a&contact_id=b');
    expect(twice.status).toBe(400);
    expect(twice.body.error.field).toBe('querystring.contact_id');
  });
});
