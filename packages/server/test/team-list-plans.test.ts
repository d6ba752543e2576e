// The team's list queries are index searches in the list's own order, on both engines: no table
// scan, no sort of the matching rows, however deep the page. The queries are the store's own
// (store/team-queries.ts). On PostgreSQL, table scans and sorts are priced out for the plan, so the
// check is that an index delivering the order exists for each, not the planner's choice on a small
// table (the bench prints the plans with 10,000 conversations: bench/server/team-lists.ts).
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConversationFilter, conversationPageQuery, threadPageQueries } from '../src/store/team-queries';
import { BACKEND } from './backend';
import { startTestServer, type TestServer, withDatabase } from './server-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const deep = { activity_at: 1_000, id: 'conversation-0500' };
/** Each filter, and the index that narrows the search to its rows when another would merely order them. */
const filters: [string, ConversationFilter, string?][] = [
  ['every conversation', {}],
  ['?state=open', { state: 'open' }],
  ['?assignee=<id>', { assignee: 'teammate-a' }],
  ['?assignee=unassigned', { assignee: null }],
  ['?assignee=<id>&state=closed', { assignee: 'teammate-a', state: 'closed' }],
  ['?assignee=unassigned&state=open', { assignee: null, state: 'open' }],
  ['?contact_id=<id>', { contact: 'person-0001' }, 'conversations_app_person_activity'],
  ['?contact_id=<id>&state=open', { contact: 'person-0001', state: 'open' }, 'conversations_app_person_activity'],
];

async function plan(compiled: CompiledQuery): Promise<string[]> {
  return withDatabase(server, async (db) => {
    if (BACKEND === 'postgres') {
      // Only a plan without a scan of the table and without a sort is acceptable: if one is chosen
      // anyway, no index can deliver the rows in order.
      for (const setting of ['enable_seqscan', 'enable_bitmapscan', 'enable_sort'])
        await sql`SELECT set_config(${setting}, 'off', false)`.execute(db);
    }
    const explain = BACKEND === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
    const result = await db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(explain + compiled.sql, [...compiled.parameters]),
    );
    return result.rows.map((row) => String(BACKEND === 'sqlite' ? row.detail : row['QUERY PLAN']));
  });
}

function expectIndexSearchInOrder(lines: string[], index?: string) {
  const text = lines.join('\n');
  if (index) expect(text).toContain(index);
  if (BACKEND === 'sqlite') {
    expect(text).toMatch(/USING (COVERING )?INDEX/);
    expect(text).not.toMatch(/TEMP B-TREE|SCAN conversations\b(?! USING)/);
  } else {
    expect(text).toMatch(/Index (Only )?Scan/);
    expect(text).not.toMatch(/Seq Scan|(^|->\s*)Sort\b/m);
  }
}

describe('the team list queries', () => {
  for (const [name, filter, index] of filters) {
    it(`${name}: an index search in order, on the first page and a deep one`, async () => {
      return withDatabase(server, async (db) => {
        for (const after of [undefined, deep]) {
          const lines = await plan(conversationPageQuery(db, 'acme', filter, after, 51).compile());
          expectIndexSearchInOrder(lines, index);
        }
      });
    });
  }

  it("a thread's page, messages and notes, first and deep", async () => {
    return withDatabase(server, async (db) => {
      for (const after of [
        undefined,
        { created_at: 10, kind: 'message' as const, seq: 5 },
        { created_at: 10, kind: 'note' as const, seq: 5 },
      ]) {
        const { messages, notes } = threadPageQueries(db, 'conversation-0001', after, 101);
        expectIndexSearchInOrder(await plan(messages.compile()));
        expectIndexSearchInOrder(await plan(notes.compile()));
      }
    });
  });
});
