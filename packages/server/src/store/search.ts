// Full-text search for the team: which conversations of an app hold a message or a note, or are
// with a contact, that has every word of a query; in the team's order (activity, newest first),
// paged by an opaque cursor, each with a plain-text snippet of what matched.
//
// The index is kept in step inside the write that changes it: triggers (migration 0010) note each
// inserted, edited or deleted message, note and person in search_pending, and
// indexPendingSearchDocuments turns those into search_documents in the same transaction, before
// it commits (transaction.ts). Not triggers alone, because the terms are made in JavaScript
// (search-terms.ts) so both engines index the very same ones; not calls beside every write,
// because the triggers catch every write that touches the text, present and future, whoever
// makes it.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { ConversationRow, Database } from '../db/schema';
import { teamSummary } from './conversations';
import { isPostgres } from './locks';
import type { TeamConversation } from './rows';
import {
  documentTerms,
  fts5Query,
  type SearchQuery,
  type Snippet,
  snippetOf,
  termsMatch,
  tsQuery,
} from './search-terms';
import type { ConversationFilter } from './team-queries';
import type { RunTransaction } from './transaction';

/** The tables whose text is searched: their kind of document, and the columns a trigger watches. */
export const SEARCHED_SOURCES = [
  ['messages', 'message', ['body']],
  ['conversation_notes', 'note', ['body']],
  ['people', 'contact', ['name', 'email', 'user_id']],
] as const;

type DocumentKind = (typeof SEARCHED_SOURCES)[number][1];

const INDEX_BATCH = 500;

/**
 * An extra term of every contact's entry in FTS5, so a search for contacts reads only theirs
 * (terms are letters and digits: no term of any text is ever this).
 */
const CONTACT_MARKER = '⁂contact';

interface WantedDocument {
  app_id: string;
  conversation_id: string | null;
  terms: string;
}

/** The documents the pending sources should have now; a source that is gone, or holds no term, has none. */
async function wantedDocuments(
  db: Kysely<Database>,
  kind: DocumentKind,
  sourceIds: string[],
): Promise<Map<string, WantedDocument>> {
  const wanted = new Map<string, WantedDocument>();
  if (sourceIds.length === 0) return wanted;
  if (kind === 'message') {
    const rows = await db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select(['m.id', 'm.body', 'm.conversation_id', 'c.app_id'])
      .where('m.id', 'in', sourceIds)
      .execute();
    for (const row of rows)
      wanted.set(row.id, { app_id: row.app_id, conversation_id: row.conversation_id, terms: documentTerms(row.body) });
  } else if (kind === 'note') {
    const rows = await db
      .selectFrom('conversation_notes')
      .select(['id', 'body', 'conversation_id', 'app_id'])
      .where('id', 'in', sourceIds)
      .execute();
    for (const row of rows)
      wanted.set(row.id, { app_id: row.app_id, conversation_id: row.conversation_id, terms: documentTerms(row.body) });
  } else {
    const rows = await db
      .selectFrom('people')
      .select(['id', 'app_id', 'name', 'email', 'user_id'])
      .where('id', 'in', sourceIds)
      .execute();
    for (const row of rows)
      wanted.set(row.id, {
        app_id: row.app_id,
        conversation_id: null,
        terms: documentTerms(row.name, row.email, row.user_id),
      });
  }
  for (const [id, document] of wanted) if (document.terms === '') wanted.delete(id);
  return wanted;
}

/**
 * Brings search_documents (and SQLite's FTS5 table) in line with what search_pending names, and empties it.
 *
 * On PostgreSQL, where writes run side by side, a pending row is indexed by the one transaction
 * that holds it: its own trigger's row, which no other transaction sees, or a committed one (a
 * migration's backlog) that it locks here, skipping those another holds. A write that changes a
 * source while another transaction holds its committed pending row waits for that one to commit
 * (migration 0015's trigger), then marks and indexes it itself. So no two transactions ever
 * index one source at once.
 */
// biome-ignore lint/suspicious/noExplicitAny: also run by migration 0010, on its untyped handle.
export async function indexPendingSearchDocuments(handle: Kysely<any>): Promise<void> {
  const db = handle as Kysely<Database>;
  const sqlite = !isPostgres(db);
  for (;;) {
    const pending = await claimPending(db, sqlite);
    if (pending.length === 0) return;
    for (const [, kind] of SEARCHED_SOURCES) {
      const sourceIds = pending.filter((row) => row.kind === kind).map((row) => row.source_id);
      if (sourceIds.length === 0) continue;
      const wanted = await wantedDocuments(db, kind, sourceIds);
      await (sqlite ? replaceSqliteDocuments : upsertPostgresDocuments)(db, kind, sourceIds, wanted);
    }
    // A page short of the limit was the last: what another transaction holds is its own to index.
    if (pending.length < INDEX_BATCH) return;
  }
}

/**
 * Takes a page of search_pending off the table, in one statement: its rows are this
 * transaction's to index (on PostgreSQL locked, skipping those another transaction holds), and a
 * rollback puts them back.
 */
async function claimPending(db: Kysely<Database>, sqlite: boolean): Promise<{ kind: string; source_id: string }[]> {
  const lock = sqlite ? sql`` : sql` FOR UPDATE SKIP LOCKED`;
  const { rows } = await sql<{ kind: string; source_id: string }>`
    DELETE FROM search_pending WHERE (kind, source_id) IN (
      SELECT kind, source_id FROM search_pending LIMIT ${INDEX_BATCH}${lock}
    ) RETURNING kind, source_id`.execute(db);
  return rows;
}

type Documents = Map<string, WantedDocument>;

/** SQLite: the FTS5 row of each document is keyed by its id, so a changed document is a new row. */
async function replaceSqliteDocuments(
  db: Kysely<Database>,
  kind: DocumentKind,
  sourceIds: string[],
  wanted: Documents,
) {
  const existing = await db
    .selectFrom('search_documents')
    .select(['id', 'source_id', 'terms', 'app_id'])
    .where('kind', '=', kind)
    .where('source_id', 'in', sourceIds)
    .execute();
  const unchanged = new Set<string>();
  const stale: number[] = [];
  for (const row of existing) {
    const want = wanted.get(row.source_id);
    if (want && want.terms === row.terms && want.app_id === row.app_id) unchanged.add(row.source_id);
    else stale.push(row.id);
  }
  if (stale.length > 0) {
    await sql`DELETE FROM search_index WHERE rowid IN (${sql.join(stale)})`.execute(db);
    await db.deleteFrom('search_documents').where('id', 'in', stale).execute();
  }
  const fresh = [...wanted].filter(([sourceId]) => !unchanged.has(sourceId));
  if (fresh.length === 0) return;
  const inserted = await db
    .insertInto('search_documents')
    .values(fresh.map(([source_id, document]) => ({ kind, source_id, ...document })))
    .returning(['id', 'terms'])
    .execute();
  const marker = kind === 'contact' ? `${CONTACT_MARKER} ` : '';
  await sql`INSERT INTO search_index (rowid, terms) VALUES ${sql.join(
    inserted.map((row) => sql`(${row.id}, ${marker + row.terms})`),
  )}`.execute(db);
}

/**
 * PostgreSQL: the terms' vector is a column of the document, so one upsert writes what changed
 * and leaves an unchanged document alone; what is no longer wanted (a deleted source, or one with
 * no terms left) is deleted.
 */
async function upsertPostgresDocuments(
  db: Kysely<Database>,
  kind: DocumentKind,
  sourceIds: string[],
  wanted: Documents,
) {
  const gone = sourceIds.filter((sourceId) => !wanted.has(sourceId));
  if (gone.length > 0)
    await db.deleteFrom('search_documents').where('kind', '=', kind).where('source_id', 'in', gone).execute();
  if (wanted.size === 0) return;
  await db
    .insertInto('search_documents')
    .values([...wanted].map(([source_id, document]) => ({ kind, source_id, ...document })))
    .onConflict((oc) =>
      oc
        .columns(['kind', 'source_id'])
        .doUpdateSet((eb) => ({
          app_id: eb.ref('excluded.app_id'),
          conversation_id: eb.ref('excluded.conversation_id'),
          terms: eb.ref('excluded.terms'),
        }))
        .where(
          sql<boolean>`(search_documents.app_id, search_documents.conversation_id, search_documents.terms) IS DISTINCT FROM (excluded.app_id, excluded.conversation_id, excluded.terms)`,
        ),
    )
    .execute();
}

/** Where a page of results starts: after this conversation, in the team's order (activity_at, newest first). */
export interface SearchCursor {
  activity_at: number;
  id: string;
}

export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([cursor.activity_at, cursor.id])).toString('base64url');
}

/** The cursor an earlier page handed out, or undefined when `text` is not one. */
export function decodeSearchCursor(text: string): SearchCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [activityAt, id] = value as [unknown, unknown];
    if (!Number.isSafeInteger(activityAt) || (activityAt as number) < 0) return undefined;
    if (typeof id !== 'string' || id.length === 0 || id.length > 128) return undefined;
    return { activity_at: activityAt as number, id };
  } catch {
    return undefined;
  }
}

/** As the conversation list's: a state, and an assignee (a teammate's id, null for the unassigned). */
export type SearchFilters = ConversationFilter;

/** What matched in a conversation: the newest matching message or note, else the contact's field. */
export interface SearchMatch extends Snippet {
  kind: DocumentKind;
  /** The message's, the note's or the contact's id. */
  id: string;
  field: 'body' | 'name' | 'email' | 'user_id';
}

export interface SearchResult {
  conversation: TeamConversation;
  match: SearchMatch;
}

export interface SearchPage {
  results: SearchResult[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

export interface SearchStore {
  /**
   * Indexes whatever waits in search_pending: the rows a migration handed over. Every write
   * transaction does so too; the server calls this as it starts, so the first write after an
   * upgrade does not carry the whole backlog.
   */
  indexPendingSearch(): Promise<void>;
  searchConversations(
    appId: string,
    query: SearchQuery,
    filters: SearchFilters,
    page: { cursor?: SearchCursor; limit: number },
    /** Whose read state the conversations carry. */
    teammateId: string,
  ): Promise<SearchPage>;
}

export function searchStore(db: Kysely<Database>, transaction: RunTransaction): SearchStore {
  const postgres = isPostgres(db);
  // Ids compare byte by byte on both engines (PostgreSQL's default collation would not), so the
  // order, and so every page, is the same on either.
  const conversationId = postgres ? sql<string>`c.id COLLATE "C"` : sql<string>`c.id`;

  /**
   * The app's conversations with a matching message, or with a matching contact: two subqueries
   * that start from the index (FTS5's match, the GIN index), each reading only its kind.
   */
  function matchingConversations(appId: string, query: SearchQuery) {
    if (postgres) {
      const matches = sql`d.terms_vector @@ ${tsQuery(query)}::tsquery`;
      return {
        byMessage: sql<string>`SELECT d.conversation_id FROM search_documents d WHERE ${matches} AND d.app_id = ${appId} AND d.kind <> 'contact'`,
        byContact: sql<string>`SELECT d.source_id FROM search_documents d WHERE ${matches} AND d.app_id = ${appId} AND d.kind = 'contact'`,
      };
    }
    // CROSS JOIN: SQLite reads the FTS5 match first, then each document by its rowid.
    const terms = fts5Query(query);
    return {
      byMessage: sql<string>`SELECT d.conversation_id FROM search_index CROSS JOIN search_documents d ON d.id = search_index.rowid
        WHERE search_index MATCH ${terms} AND d.app_id = ${appId} AND d.kind <> 'contact'`,
      byContact: sql<string>`SELECT d.source_id FROM search_index CROSS JOIN search_documents d ON d.id = search_index.rowid
        WHERE search_index MATCH ${`"${CONTACT_MARKER}" ${terms}`} AND d.app_id = ${appId} AND d.kind = 'contact'`,
    };
  }

  async function matchesIn(
    appId: string,
    query: SearchQuery,
    rows: ConversationRow[],
  ): Promise<Map<string, Omit<SearchMatch, 'text' | 'highlights'> & { text: string }>> {
    const found = new Map<string, Omit<SearchMatch, 'text' | 'highlights'> & { text: string }>();
    if (rows.length === 0) return found;
    const ids = rows.map((row) => row.id);
    const personIds = [...new Set(rows.map((row) => row.person_id))];
    // The page's documents, matched here by their terms as the engines match them: a second
    // full-text query would read every match again, and FTS5 evaluates one per row slowly.
    const documents = (
      await db
        .selectFrom('search_documents as d')
        .select(['d.kind', 'd.source_id', 'd.terms'])
        .where('d.app_id', '=', appId)
        .where((eb) =>
          eb.or([
            eb('d.conversation_id', 'in', ids),
            eb.and([eb('d.kind', '=', 'contact'), eb('d.source_id', 'in', personIds)]),
          ]),
        )
        .execute()
    ).filter((d) => termsMatch(d.terms.split(' '), query));
    const idsOf = (kind: DocumentKind) => documents.filter((d) => d.kind === kind).map((d) => d.source_id);
    const [messageIds, noteIds, contactIds] = [idsOf('message'), idsOf('note'), idsOf('contact')];
    // The newest matching message or note of each conversation (a message first at equal times).
    const texts = [
      ...(messageIds.length === 0
        ? []
        : (
            await db
              .selectFrom('messages')
              .select(['id', 'conversation_id', 'body', 'created_at', 'seq'])
              .where('id', 'in', messageIds)
              .execute()
          ).map((row) => ({ ...row, kind: 'message' as const }))),
      ...(noteIds.length === 0
        ? []
        : (
            await db
              .selectFrom('conversation_notes')
              .select(['id', 'conversation_id', 'body', 'created_at', 'seq'])
              .where('id', 'in', noteIds)
              .execute()
          ).map((row) => ({ ...row, kind: 'note' as const }))),
    ].sort(
      (a, b) =>
        Number(b.created_at) - Number(a.created_at) ||
        (a.kind === b.kind ? Number(b.seq) - Number(a.seq) : a.kind === 'message' ? -1 : 1),
    );
    for (const text of texts)
      if (!found.has(text.conversation_id))
        found.set(text.conversation_id, { kind: text.kind, id: text.id, field: 'body', text: text.body });
    if (contactIds.length > 0) {
      const people = await db
        .selectFrom('people')
        .select(['id', 'name', 'email', 'user_id'])
        .where('id', 'in', contactIds)
        .execute();
      for (const row of rows) {
        if (found.has(row.id)) continue;
        const person = people.find((p) => p.id === row.person_id);
        if (!person) continue;
        const field =
          (['name', 'email', 'user_id'] as const).find((f) => person[f] && snippetOf(person[f], query)) ?? 'name';
        found.set(row.id, { kind: 'contact', id: person.id, field, text: person[field] ?? '' });
      }
    }
    return found;
  }

  return {
    async indexPendingSearch() {
      // An empty write: the runner indexes what is pending before it commits; two processes
      // starting at once each index what the other has not locked (indexPendingSearchDocuments).
      await transaction(async () => {});
    },
    async searchConversations(appId, query, filters, page, teammateId) {
      const { byMessage, byContact } = matchingConversations(appId, query);
      const matching = sql`${byMessage} UNION SELECT p.id FROM conversations p WHERE p.person_id IN (${byContact})`;
      const conditions = [sql`c.app_id = ${appId}`];
      if (filters.state) conditions.push(sql`c.state = ${filters.state}`);
      if (filters.assignee === null) conditions.push(sql`c.assignee_id IS NULL`);
      else if (filters.assignee !== undefined) conditions.push(sql`c.assignee_id = ${filters.assignee}`);
      const { cursor } = page;
      if (cursor)
        conditions.push(
          sql`(c.activity_at < ${cursor.activity_at} OR (c.activity_at = ${cursor.activity_at} AND ${conversationId} < ${cursor.id}))`,
        );
      // From the matching ids: few matches are read at once, many cost what reading them costs.
      // PostgreSQL's planner picks its way from the IN list; SQLite's would walk every conversation
      // of the app in order, so its order is given (CROSS JOIN).
      const from = postgres
        ? sql`conversations c WHERE c.id IN (${matching}) AND`
        : sql`(${matching}) m CROSS JOIN conversations c ON c.id = m.conversation_id WHERE`;
      const { rows } = await sql<ConversationRow>`SELECT c.* FROM ${from} ${sql.join(conditions, sql` AND `)}
        ORDER BY c.activity_at DESC, ${conversationId} DESC LIMIT ${page.limit + 1}`.execute(db);
      const more = rows.length > page.limit;
      const pageRows = rows.slice(0, page.limit);
      const [conversations, found] = await Promise.all([
        teamSummary(db, pageRows, teammateId),
        matchesIn(appId, query, pageRows),
      ]);
      const results = conversations.map((conversation): SearchResult => {
        const match = found.get(conversation.id);
        const snippet = match ? snippetOf(match.text, query) : undefined;
        return {
          conversation,
          match: {
            kind: match?.kind ?? 'message',
            id: match?.id ?? '',
            field: match?.field ?? 'body',
            ...(snippet ?? { text: '', highlights: [] }),
          },
        };
      });
      const last = pageRows[pageRows.length - 1];
      return {
        results,
        next_cursor: more && last ? encodeSearchCursor({ activity_at: Number(last.activity_at), id: last.id }) : null,
      };
    },
  };
}
