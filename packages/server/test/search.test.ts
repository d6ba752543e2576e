// GET /api/v1/apps/:app_id/search on the engine of the project (SQLite or PostgreSQL): what it
// finds, its snippets, its filters and pages, its refusals, and that it keeps to its app.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src';
import { migrate } from '../src/db/migrations';
import { isPostgresUrl, openPostgres } from '../src/db/postgres';
import { openSqlite } from '../src/db/sqlite';
import { BACKEND, testDatabase } from './backend';
import { loadCorpus, QUERIES, searchAll } from './search-corpus';
import {
  type Answer,
  boot,
  call,
  messenger,
  startTestServer,
  TEAM_TOKEN,
  type TestServer,
  team,
  testConfig,
} from './server-harness';
import { addTeammate } from './teammates-harness';

let server: TestServer;
let ids: Map<string, string>;
const labelOf = (id: string) => [...ids].find(([, conversation]) => conversation === id)?.[0] ?? id;

beforeAll(async () => {
  server = await startTestServer();
  ids = await loadCorpus(server, 'acme');
});
afterAll(() => server.stop());

describe('search', () => {
  it('finds the conversations holding every word, whatever the case, accents, punctuation or script', async () => {
    for (const [q, labels] of QUERIES) {
      const found = (await searchAll(server, 'acme', TEAM_TOKEN, q)).map(labelOf);
      expect({ q, found: found.sort() }).toEqual({ q, found: [...labels].sort() });
    }
  });

  it('answers each conversation once, newest first, with a plain-text snippet and where the words are in it', async () => {
    const answer = await call(server, 'GET', `${team()}/search?q=${encodeURIComponent('ada.lovelace@example.com')}`, {
      token: TEAM_TOKEN,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.next_cursor).toBeNull();
    expect(answer.body.results).toHaveLength(1);
    const [result] = answer.body.results;
    expect(result.conversation).toMatchObject({ id: ids.get('email'), contact: { email: 'Ada.Lovelace@Example.COM' } });
    expect(result.match).toMatchObject({
      kind: 'message',
      field: 'body',
      text: 'ping me at ada.lovelace@example.com please',
    });
    const marked = result.match.highlights.map(([from, to]: [number, number]) => result.match.text.slice(from, to));
    expect(marked).toEqual(['ada', 'lovelace', 'example', 'com']);

    const byContact = await call(server, 'GET', `${team()}/search?q=zo%C3%AB`, { token: TEAM_TOKEN });
    expect(byContact.body.results[0].match).toMatchObject({
      kind: 'contact',
      field: 'name',
      text: 'Zoë Ångström',
      highlights: [[0, 3]],
    });

    const markup = await call(server, 'GET', `${team()}/search?q=script`, { token: TEAM_TOKEN });
    expect(markup.body.results[0].match.text).toBe('<b>bold</b> & <script>alert(1)</script>');
    expect(markup.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('a long message gives a window around the first match', async () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(20);
    const visitor = await boot(server);
    await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: `${filler}the parcel never arrived ${filler}`, client_id: 'long-1' },
    });
    const answer = await call(server, 'GET', `${team()}/search?q=parcel`, { token: TEAM_TOKEN });
    const { text, highlights } = answer.body.results[0].match;
    expect(text.startsWith('…')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(162);
    expect(text.slice(highlights[0][0], highlights[0][1])).toBe('parcel');
  });

  it('the state filter combines with the words; pages follow the cursor without a gap or a repeat', async () => {
    const visitor = await boot(server);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const started = await call(server, 'POST', `${messenger()}/conversations`, {
        token: visitor.session.token,
        body: { body: `pagination probe number ${i}`, client_id: `page-${i}` },
      });
      made.push(started.body.conversation.id);
    }
    await call(server, 'POST', `${team()}/conversations/${made[2]}/close`, { token: TEAM_TOKEN });
    await call(server, 'POST', `${team()}/conversations/${made[5]}/close`, { token: TEAM_TOKEN });

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const answer: Answer = await call(
        server,
        'GET',
        `${team()}/search?q=pagination+probe&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { token: TEAM_TOKEN },
      );
      pages.push(answer.body.results.map((r: { conversation: { id: string } }) => r.conversation.id));
      cursor = answer.body.next_cursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().sort()).toEqual([...made].sort());
    // Newest first: the two closed ones were touched last.
    expect(pages.flat().slice(0, 2).sort()).toEqual([made[2], made[5]].sort());

    const closed = await searchAll(server, 'acme', TEAM_TOKEN, 'pagination probe', '&state=closed');
    expect(closed.sort()).toEqual([made[2], made[5]].sort());
    const open = await searchAll(server, 'acme', TEAM_TOKEN, 'pagination probe', '&state=open');
    expect(open.sort()).toEqual(made.filter((_, i) => i !== 2 && i !== 5).sort());
  });

  it("searches internal notes; the list's filters (assignee, snoozed) combine with the words", async () => {
    const agent = await addTeammate(server, { role: 'agent', apps: ['acme'] });
    const visitor = await boot(server);
    const start = async (body: string, client_id: string) =>
      (
        await call(server, 'POST', `${messenger()}/conversations`, {
          token: visitor.session.token,
          body: { body, client_id },
        })
      ).body.conversation.id as string;
    const [assigned, snoozed, noted] = [
      await start('gizmo alpha', 'filters-1'),
      await start('gizmo beta', 'filters-2'),
      await start('gizmo gamma', 'filters-3'),
    ];
    const note = await call(server, 'POST', `${team()}/conversations/${noted}/notes`, {
      token: agent.token,
      body: { body: 'Internal: the customer is a zebracorn reseller' },
    });
    expect(note.status).toBe(200);
    const assign = await call(server, 'POST', `${team()}/conversations/${assigned}/assign`, {
      token: TEAM_TOKEN,
      body: { assignee_id: agent.id },
    });
    expect(assign.status).toBe(200);
    const snooze = await call(server, 'POST', `${team()}/conversations/${snoozed}/state`, {
      token: TEAM_TOKEN,
      body: { state: 'snoozed', snoozed_until: Date.now() + 3_600_000 },
    });
    expect(snooze.status).toBe(200);

    const byNote = await call(server, 'GET', `${team()}/search?q=zebracorn`, { token: TEAM_TOKEN });
    expect(byNote.body.results.map((r: { conversation: { id: string } }) => r.conversation.id)).toEqual([noted]);
    expect(byNote.body.results[0].match).toMatchObject({ kind: 'note', field: 'body' });
    expect(await searchAll(server, 'acme', TEAM_TOKEN, 'gizmo', `&assignee=${agent.id}`)).toEqual([assigned]);
    expect(await searchAll(server, 'acme', agent.token, 'gizmo', '&assignee=me')).toEqual([assigned]);
    expect((await searchAll(server, 'acme', TEAM_TOKEN, 'gizmo', '&assignee=unassigned')).sort()).toEqual(
      [snoozed, noted].sort(),
    );
    expect(await searchAll(server, 'acme', TEAM_TOKEN, 'gizmo', '&state=snoozed')).toEqual([snoozed]);
    expect(await searchAll(server, 'acme', TEAM_TOKEN, 'gizmo', '&state=snoozed&assignee=unassigned')).toEqual([
      snoozed,
    ]);
    expect(await searchAll(server, 'acme', TEAM_TOKEN, 'gizmo', '&state=open&assignee=me')).toEqual([]);
    // The team's order (activity_at): the snooze was the last thing done.
    expect((await searchAll(server, 'acme', TEAM_TOKEN, 'gizmo'))[0]).toBe(snoozed);
  });

  it('follows the text as it changes: a renamed contact is found by the new name only; a team reply is found', async () => {
    const visitor = await boot(server, { attributes: { name: 'Quentin Oldname' } });
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'hello there', client_id: 'rename-1' },
    });
    const id = started.body.conversation.id;
    expect(await searchAll(server, 'acme', TEAM_TOKEN, 'oldname')).toEqual([id]);
    await call(server, 'POST', `${messenger()}/update`, {
      token: visitor.session.token,
      body: { attributes: { name: 'Quentin Newname' } },
    });
    expect(await searchAll(server, 'acme', TEAM_TOKEN, 'oldname')).toEqual([]);
    expect(await searchAll(server, 'acme', TEAM_TOKEN, 'newname')).toEqual([id]);
    await call(server, 'POST', `${team()}/conversations/${id}/reply`, {
      token: TEAM_TOKEN,
      body: { body: 'Your voucher is XJ-5521' },
    });
    expect(await searchAll(server, 'acme', TEAM_TOKEN, 'xj-5521')).toEqual([id]);
  });

  it("answers a teammate's API token or session cookie, refuses none (401) and a teammate of another app (403)", async () => {
    const agent = await addTeammate(server, { role: 'agent', apps: ['acme'] });
    const elsewhere = await addTeammate(server, { role: 'agent', apps: ['rival'] });
    const visitor = await boot(server);
    const byToken = await call(server, 'GET', `${team()}/search?q=cafe`, { token: agent.token });
    const byCookie = await call(server, 'GET', `${team()}/search?q=cafe`, {
      headers: { cookie: await agent.cookie() },
    });
    expect([byToken.status, byCookie.status]).toEqual([200, 200]);
    expect(byCookie.body.results.map((r: { conversation: { id: string } }) => r.conversation.id)).toEqual([
      ids.get('accents'),
    ]);
    const none = await call(server, 'GET', `${team()}/search?q=cafe`);
    const session = await call(server, 'GET', `${team()}/search?q=cafe`, { token: visitor.session.token });
    const otherApp = await call(server, 'GET', `${team()}/search?q=cafe`, { token: elsewhere.token });
    expect([none.status, session.status, otherApp.status]).toEqual([401, 401, 403]);
    expect(none.body.error.field).toBe('authorization');
    expect(otherApp.body).not.toHaveProperty('results');
  });
});

describe('search, attacked', () => {
  it("never answers another app's conversations, messages or contacts", async () => {
    const other = await loadCorpus(server, 'rival', [
      {
        label: 'secret',
        contact: { name: 'Mallory Secretname', email: 'mallory@rival.example' },
        messages: ['cafe secretword'],
      },
    ]);
    expect(await searchAll(server, 'rival', TEAM_TOKEN, 'secretword')).toEqual([other.get('secret')]);
    for (const q of ['secretword', 'secretname', 'mallory@rival.example', 'rival']) {
      expect(await searchAll(server, 'acme', TEAM_TOKEN, q)).toEqual([]);
    }
    const cafe = await searchAll(server, 'acme', TEAM_TOKEN, 'cafe');
    expect(cafe).toEqual([ids.get('accents')]);
    expect(await searchAll(server, 'nobody', TEAM_TOKEN, 'cafe')).toEqual([]);
  });

  it('a hostile query is words or a 400 naming q, never a server error', async () => {
    const hostile = [
      '"',
      '""',
      '"unterminated',
      '*',
      '**',
      'a*b*',
      'NEAR(cafe montreal, 2)',
      'NEAR',
      'cafe OR urgent',
      'cafe AND NOT urgent',
      '-',
      '-cafe',
      ':',
      'body:cafe',
      'terms:cafe',
      '^cafe',
      '(cafe',
      ')',
      "'",
      "''",
      "cafe'",
      '\\',
      '\\\\cafe',
      "'; DROP TABLE messages; --",
      '%',
      '_',
      'cafe & urgent | !refund',
      'cafe <-> montreal',
      'cafe:*',
      "'cafe':* & 'x'",
      '{}[]',
      '+cafe',
      '~',
      '🙏🙏',
      '\u200b',
      'ｃａｆｅ',
      'cafe'.padEnd(199, ' '),
    ];
    for (const q of hostile) {
      const answer = await call(server, 'GET', `${team()}/search?q=${encodeURIComponent(q)}`, { token: TEAM_TOKEN });
      expect({ q, status: answer.status }).toEqual({ q, status: answer.status === 400 ? 400 : 200 });
      if (answer.status === 400) expect({ q, field: answer.body.error.field }).toEqual({ q, field: 'querystring.q' });
    }
    const words = async (q: string) => (await searchAll(server, 'acme', TEAM_TOKEN, q)).map(labelOf).sort();
    expect(await words('NEAR(cafe montreal, 2)')).toEqual([]);
    expect(await words('cafe:*')).toEqual(['accents']);
    expect(await words("'; DROP TABLE messages; --")).toEqual([]);
    expect(await words('ｃａｆｅ')).toEqual(['accents']);
  });

  it('refuses an empty, wordless, over-long or over-wordy query, a forged cursor and a bad limit', async () => {
    const refusals: Array<[string, string]> = [
      ['', 'querystring.q'],
      ['q=', 'querystring.q'],
      ['q=%20%20', 'querystring.q'],
      ['q=%22*%3A-', 'querystring.q'],
      [`q=${'a'.repeat(201)}`, 'querystring.q'],
      [`q=${Array.from({ length: 33 }, (_, i) => `w${i}`).join('+')}`, 'querystring.q'],
      ['q=cafe&q=montreal', 'querystring.q'],
      ['q=cafe&cursor=nonsense', 'querystring.cursor'],
      [`q=cafe&cursor=${Buffer.from('[1,2]').toString('base64url')}`, 'querystring.cursor'],
      [`q=cafe&cursor=${Buffer.from('{"__proto__":1}').toString('base64url')}`, 'querystring.cursor'],
      ['q=cafe&limit=0', 'querystring.limit'],
      ['q=cafe&limit=51', 'querystring.limit'],
      ['q=cafe&limit=ten', 'querystring.limit'],
      ['q=cafe&state=archived', 'querystring.state'],
      [`q=cafe&assignee=${'x'.repeat(129)}`, 'querystring.assignee'],
      ['q=cafe&sort=relevance', 'querystring.sort'],
      ['q=caf%00e', 'query.q'],
    ];
    for (const [query, field] of refusals) {
      const answer = await call(server, 'GET', `${team()}/search?${query}`, { token: TEAM_TOKEN });
      expect({ query, status: answer.status, field: answer.body.error?.field }).toEqual({ query, status: 400, field });
    }
  });
});

describe('migration 0010_search', () => {
  it('indexes what the database held before it: messages and contacts are found after the upgrade', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'confab-search-upgrade-'));
    const database = await testDatabase(folder);
    try {
      const { db, close } = isPostgresUrl(database.db)
        ? openPostgres(database.db, { max: 1 })
        : openSqlite(database.db);
      try {
        await migrate(db, BACKEND, '0007_events_deduplicated_per_person');
        const person = { app_id: 'acme', role: 'user', attributes: '{}', created_at: 1, updated_at: 1 } as const;
        await db
          .insertInto('people')
          .values([
            {
              ...person,
              id: 'p-before',
              visitor_id: 'v-1',
              user_id: 'legacy-77',
              email: 'Old.Timer@Example.org',
              name: 'Élodie',
            },
            { ...person, id: 'p-other', app_id: 'rival', visitor_id: 'v-2', user_id: null, email: null, name: null },
          ])
          .execute();
        const conversation = { state: 'open', created_at: 1, person_unread: 0 } as const;
        await db
          .insertInto('conversations')
          .values([
            { ...conversation, id: 'c-before', app_id: 'acme', person_id: 'p-before', updated_at: 2 },
            { ...conversation, id: 'c-other', app_id: 'rival', person_id: 'p-other', updated_at: 3 },
          ])
          .execute();
        const message = { author: 'person', author_name: null, created_at: 1, client_id: null } as const;
        await db
          .insertInto('messages')
          .values([
            { ...message, id: 'm-before', conversation_id: 'c-before', body: 'Kühlschrank broken since March' },
            { ...message, id: 'm-other', conversation_id: 'c-other', body: 'Kühlschrank at the rival' },
          ])
          .execute();
      } finally {
        await close();
      }
      const upgraded = await startServer(testConfig(folder, { db: database.db }));
      try {
        for (const q of ['kuhlschrank', 'KÜHL', 'legacy-77', 'old.timer@example.org', 'elodie']) {
          expect({ q, found: await searchAll(upgraded, 'acme', TEAM_TOKEN, q) }).toEqual({ q, found: ['c-before'] });
        }
        expect(await searchAll(upgraded, 'rival', TEAM_TOKEN, 'kuhlschrank')).toEqual(['c-other']);
      } finally {
        await upgraded.close();
      }
    } finally {
      await database.drop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
