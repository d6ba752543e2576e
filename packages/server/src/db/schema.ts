// The database's tables as Kysely sees them. Times are epoch milliseconds; JSON travels as text so
// SQLite and PostgreSQL store it the same way.
import type { Generated, Insertable, Selectable } from 'kysely';

export interface PeopleTable {
  id: string;
  app_id: string;
  role: 'user' | 'lead';
  visitor_id: string;
  user_id: string | null;
  email: string | null;
  /** 1 when the stored email was signed (user_hash over it, or a JWT claim): only then is it a key. */
  email_verified: Generated<number>;
  name: string | null;
  /** PersonAttributes as JSON. */
  attributes: string;
  /**
   * A lead's proof of its browser: sha-256 of the device id that browser sent when the lead was
   * made. Null for a lead made before migration 0006 (bound by its next boot with a live session
   * token); LEAD_DEVICE_REVOKED once the lead has shut down, so no device resumes it again.
   */
  device_hash: string | null;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the token: a copy of the database does not hand out live sessions. */
  token_hash: string;
  app_id: string;
  person_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** The position a fresh stream of this session starts after (store/stream-position.ts): the row id... */
  stream_from: Generated<number>;
  /** ...after the writing transaction's id (PostgreSQL; 0 on SQLite and for sessions older than migration 0014). */
  stream_from_tx: Generated<number>;
}

export interface EventsTable {
  app_id: string;
  /** The client-made id: with app_id, the primary key that makes a retried send harmless. */
  id: string;
  person_id: string;
  name: string;
  metadata: string | null;
  created_at: number;
  received_at: number;
}

export interface PageViewsTable {
  id: Generated<number>;
  app_id: string;
  person_id: string;
  url: string;
  title: string | null;
  created_at: number;
}

export interface ConversationsTable {
  id: string;
  app_id: string;
  person_id: string;
  /** `snoozed` wakes to `open` at snoozed_until (conversation-state.ts); the visitor sees it open. */
  state: 'open' | 'snoozed' | 'closed';
  created_at: number;
  updated_at: number;
  /** Team messages the person has not read. */
  person_unread: number;
  /** The client_id of the message that started it: a retried start finds it by this. */
  start_client_id: string | null;
  /** Migration 0011: the team read the person's messages up to then ("seen"); null until a teammate reads. */
  team_seen_at: number | null;
  snoozed_until: number | null;
  /** The teammate it is assigned to; null: unassigned. */
  assignee_id: string | null;
  assigned_by: string | null;
  assigned_at: number | null;
  /** Who last changed its state (null: a visitor's message or the snooze waking it) and when. */
  state_changed_by: string | null;
  state_changed_at: number | null;
  /**
   * The team's clock of it: the last message, note, state change or assignment. The team's lists
   * order by it and a teammate has something unread when it is after their read_at; updated_at is
   * the visitor's and never moves for what only the team sees.
   */
  activity_at: Generated<number>;
}

export interface MessagesTable {
  /** Insertion order within a conversation (ids are random). */
  seq: Generated<number>;
  id: string;
  conversation_id: string;
  author: 'person' | 'team';
  /** The teammate who wrote a team message (null for a person's, and for team messages before 0009). */
  author_id: string | null;
  author_name: string | null;
  author_avatar_url: string | null;
  body: string;
  created_at: number;
  client_id: string | null;
  /** Migration 0013: the client_id of a team reply, unique per conversation and author (a retry finds it). */
  team_client_id: string | null;
}

/**
 * A person's realtime events. On PostgreSQL each row also has `tx` (xid8, migration 0014), the
 * writing transaction's id, read with SQL of its own (store/stream-position.ts); as team_events.
 */
export interface RealtimeEventsTable {
  /** The SSE id a client resumes from with `Last-Event-ID`; a stream reads in (tx, id) order. */
  id: Generated<number>;
  app_id: string;
  person_id: string;
  /** The RealtimeEvent without its id, as JSON. */
  payload: string;
  created_at: number;
}

/** Migration 0011: an app's team events, read by the team streams after an id. */
export interface TeamEventsTable {
  id: Generated<number>;
  app_id: string;
  /** The TeamEventBody as JSON. */
  payload: string;
  created_at: number;
}

export interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

// Migration 0009_conversation_team_side: the team's own records of a conversation.
export interface ConversationNotesTable {
  seq: Generated<number>;
  id: string;
  app_id: string;
  conversation_id: string;
  author_id: string;
  author_name: string;
  author_avatar_url: string | null;
  body: string;
  created_at: number;
  /** Migration 0013: the client_id its sender made, unique per conversation and author (a retry finds it). */
  client_id: string | null;
}

export interface SavedRepliesTable {
  id: string;
  app_id: string;
  title: string;
  body: string;
  created_by: string;
  created_at: number;
  updated_by: string;
  updated_at: number;
}

export interface ConversationReadsTable {
  conversation_id: string;
  teammate_id: string;
  /** The teammate has seen everything in the conversation up to then. */
  read_at: number;
}

// Migration 0010_search: full-text search (store/search.ts); the FTS5 table is SQLite's alone.
export interface SearchDocumentsTable {
  /** SQLite: the rowid of the document's entry in the FTS5 table search_index. */
  id: Generated<number>;
  app_id: string;
  kind: 'message' | 'note' | 'contact';
  /** The message's, the note's or the person's id. */
  source_id: string;
  /** A message's or a note's conversation; null for a contact. */
  conversation_id: string | null;
  /** Its terms, space-separated (store/search-terms.ts). */
  terms: string;
}

/** What a trigger saw change and the write's transaction has yet to index. */
export interface SearchPendingTable {
  kind: 'message' | 'note' | 'contact';
  source_id: string;
}

export interface Database extends TeammatesDatabase {
  people: PeopleTable;
  sessions: SessionsTable;
  events: EventsTable;
  page_views: PageViewsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  realtime_events: RealtimeEventsTable;
  team_events: TeamEventsTable;
  conversation_notes: ConversationNotesTable;
  saved_replies: SavedRepliesTable;
  conversation_reads: ConversationReadsTable;
  search_documents: SearchDocumentsTable;
  search_pending: SearchPendingTable;
}

export type PersonRow = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NoteRow = Selectable<ConversationNotesTable>;
export type SavedReplyRow = Selectable<SavedRepliesTable>;

// --- Teammates (migration 0008): accounts, their apps, cookie sessions, API tokens, password links.

export type TeammateRole = 'admin' | 'agent';

export interface TeammatesTable {
  id: string;
  /** Lowercased: one account per address, whatever its case at login. */
  email: string;
  name: string;
  role: TeammateRole;
  avatar_url: string | null;
  /** scrypt's parameters, salt and key (passwords.ts); null until the invite link sets one. */
  password_hash: string | null;
  /** 1 for the built-in teammate `--team-token` authenticates as: it has no password and is not listed. */
  service: Generated<number>;
  created_at: number;
  updated_at: number;
  deactivated_at: number | null;
}

export interface TeammateAppsTable {
  teammate_id: string;
  /** An app the teammate reaches, or `*` for every app. */
  app_id: string;
}

export interface TeammateSessionsTable {
  /** What the session is listed and ended by; the token itself is only in the cookie. */
  id: string;
  /** SHA-256 of the cookie's token. */
  token_hash: string;
  teammate_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  user_agent: string | null;
  ip: string | null;
}

export interface ApiTokensTable {
  id: string;
  /** SHA-256 of the token, shown once at creation. */
  token_hash: string;
  teammate_id: string;
  name: string;
  /** The apps it reaches, as a JSON array (`["*"]`: all of the teammate's); always within the teammate's. */
  apps: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface TeammatePasswordLinksTable {
  /** SHA-256 of the one-time token in the link that sets a password (an invite, or a reset). */
  token_hash: string;
  teammate_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface TeammatesDatabase {
  teammates: TeammatesTable;
  teammate_apps: TeammateAppsTable;
  teammate_sessions: TeammateSessionsTable;
  api_tokens: ApiTokensTable;
  teammate_password_links: TeammatePasswordLinksTable;
}

export type TeammateRow = Selectable<TeammatesTable>;
// --- end of teammates
