// Schema migrations, written once with Kysely's schema builder for SQLite and PostgreSQL alike.
// Kysely's Migrator records what ran and takes a lock, so two processes starting at once apply
// each migration exactly once.
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The tables migration 0010 indexes, with the columns its triggers watch: a copy of
 * store/search.ts's list as it was then, since a migration never changes with later code.
 */
const SEARCHED_SOURCES = [
  ['messages', 'message', ['body']],
  ['conversation_notes', 'note', ['body']],
  ['people', 'contact', ['name', 'email', 'user_id']],
] as const;

/** Every migration this code knows, by name; exported for the upgrade tests. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  // Auto-incrementing keys are the one place the two dialects differ.
  const serial = dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  const autoIncrement = dialect === 'sqlite';
  const time = 'bigint' as const;

  return {
    '0001_initial': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('people')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('visitor_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text')
          .addColumn('email', 'text')
          .addColumn('name', 'text')
          .addColumn('attributes', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('updated_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('people_app_user')
          .on('people')
          .columns(['app_id', 'user_id'])
          .unique()
          .where(sql.ref('user_id'), 'is not', null)
          .execute();
        await db.schema.createIndex('people_app_email').on('people').columns(['app_id', 'email']).execute();
        await db.schema.createIndex('people_app_visitor').on('people').columns(['app_id', 'visitor_id']).execute();

        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('expires_at', time, (c) => c.notNull())
          .addColumn('revoked_at', time)
          .execute();
        await db.schema.createIndex('sessions_person').on('sessions').column('person_id').execute();

        await db.schema
          .createTable('events')
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('metadata', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('received_at', time, (c) => c.notNull())
          .addPrimaryKeyConstraint('events_pk', ['app_id', 'id'])
          .execute();
        await db.schema.createIndex('events_person').on('events').columns(['person_id', 'created_at']).execute();

        await db.schema
          .createTable('page_views')
          .addColumn('id', serial, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('title', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('page_views_person').on('page_views').column('person_id').execute();

        await db.schema
          .createTable('conversations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('updated_at', time, (c) => c.notNull())
          .addColumn('person_unread', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('conversations_person').on('conversations').column('person_id').execute();
        await db.schema
          .createIndex('conversations_app_updated')
          .on('conversations')
          .columns(['app_id', 'updated_at'])
          .execute();

        await db.schema
          .createTable('messages')
          .addColumn('seq', serial, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
          .addColumn('author', 'text', (c) => c.notNull())
          .addColumn('author_name', 'text')
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('client_id', 'text')
          .execute();
        await db.schema
          .createIndex('messages_conversation')
          .on('messages')
          .columns(['conversation_id', 'seq'])
          .execute();
        await db.schema
          .createIndex('messages_client_id')
          .on('messages')
          .columns(['conversation_id', 'client_id'])
          .unique()
          .where(sql.ref('client_id'), 'is not', null)
          .execute();

        await db.schema
          .createTable('realtime_events')
          .addColumn('id', serial, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('person_id', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('realtime_events_person')
          .on('realtime_events')
          .columns(['person_id', 'id'])
          .execute();
      },
    },
    '0002_session_stream_start': {
      // Where a session's stream starts when it connects without a Last-Event-ID: the newest
      // realtime event when the session was made, so a reply between boot and the stream's first
      // connection is still delivered.
      async up(db: Kysely<any>) {
        await db.schema
          .alterTable('sessions')
          .addColumn('stream_from', time, (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '0003_rate_limits': {
      // The shared counters behind the rate limits when several processes share PostgreSQL
      // (rate-limiter-flexible's table, created here so no process races another to make it).
      // One SQLite process counts in memory, so SQLite has the table but never uses it.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('rate_limits')
          .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
          .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('expire', 'bigint')
          .execute();
      },
    },
    '0004_conversation_start_client_id': {
      // A retried start matches only the message that started a conversation, not any message
      // of the person's that reused its client_id.
      async up(db: Kysely<any>) {
        await db.schema.alterTable('conversations').addColumn('start_client_id', 'text').execute();
        await sql`UPDATE conversations SET start_client_id = (SELECT client_id FROM messages WHERE messages.conversation_id = conversations.id ORDER BY seq LIMIT 1)`.execute(
          db,
        );
        await db.schema
          .createIndex('conversations_person_start')
          .on('conversations')
          .columns(['person_id', 'start_client_id'])
          .execute();
      },
    },
    '0005_people_email_verified': {
      // With a secret, an email is a key to someone's record only where a signature proved it.
      // Before this, the proof was not kept: an email-only user was found by that email all along
      // (with a secret, it was the value their user_hash signed); any other stored email may be
      // one a page sent unsigned beside a user_id, so it stops being a key.
      async up(db: Kysely<any>) {
        await db.schema
          .alterTable('people')
          .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await sql`UPDATE people SET email_verified = 1 WHERE role = 'user' AND user_id IS NULL AND email IS NOT NULL`.execute(
          db,
        );
      },
    },
    '0006_lead_device': {
      // A lead is bound to the browser that made it: the sha-256 of the device id that browser
      // sent (its intercom-device-id cookie). The visitor id alone no longer resumes a lead.
      // Leads made before have none: a live session token of theirs binds them at their next boot.
      async up(db: Kysely<any>) {
        await db.schema.alterTable('people').addColumn('device_hash', 'text').execute();
      },
    },
    '0007_events_deduplicated_per_person': {
      // An event id was unique in its app: a visitor who sent another's id was answered `accepted`
      // and their event dropped, the other's kept. Ids are now unique per person (a lead who logs
      // in as an existing user brings their events along, minus the ids that user already holds).
      // SQLite cannot drop a primary key, so the table is rebuilt, on both engines alike.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('events_per_person')
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('metadata', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('received_at', time, (c) => c.notNull())
          .execute();
        await sql`INSERT INTO events_per_person (app_id, id, person_id, name, metadata, created_at, received_at)
          SELECT app_id, id, person_id, name, metadata, created_at, received_at FROM events`.execute(db);
        await db.schema.dropTable('events').execute();
        await db.schema.alterTable('events_per_person').renameTo('events').execute();
        await db.schema.createIndex('events_person').on('events').columns(['person_id', 'created_at']).execute();
        await db.schema.createIndex('events_person_id').on('events').columns(['person_id', 'id']).unique().execute();
      },
    },
    '0008_teammates': {
      // Teammates sign in (cookie sessions) or call the API with their own tokens; every secret
      // is stored as a hash (a copy of the database hands out no session, token or link).
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('teammates')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('avatar_url', 'text')
          .addColumn('password_hash', 'text')
          .addColumn('service', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('updated_at', time, (c) => c.notNull())
          .addColumn('deactivated_at', time)
          .execute();
        await db.schema
          .createTable('teammate_apps')
          .addColumn('teammate_id', 'text', (c) => c.notNull().references('teammates.id'))
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('teammate_apps_pk', ['teammate_id', 'app_id'])
          .execute();
        await db.schema
          .createTable('teammate_sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('teammate_id', 'text', (c) => c.notNull().references('teammates.id'))
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('last_seen_at', time, (c) => c.notNull())
          .addColumn('expires_at', time, (c) => c.notNull())
          .addColumn('revoked_at', time)
          .addColumn('user_agent', 'text')
          .addColumn('ip', 'text')
          .execute();
        await db.schema
          .createIndex('teammate_sessions_teammate')
          .on('teammate_sessions')
          .column('teammate_id')
          .execute();
        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('teammate_id', 'text', (c) => c.notNull().references('teammates.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('apps', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('last_used_at', time)
          .addColumn('revoked_at', time)
          .execute();
        await db.schema.createIndex('api_tokens_teammate').on('api_tokens').column('teammate_id').execute();
        await db.schema
          .createTable('teammate_password_links')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('teammate_id', 'text', (c) => c.notNull().references('teammates.id'))
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('expires_at', time, (c) => c.notNull())
          .addColumn('used_at', time)
          .execute();
      },
    },
    '0009_conversation_team_side': {
      // The team's side of a conversation: snooze, assignment and who changed them; the teammate
      // behind a reply; internal notes (a table of their own, so no visitor's query can reach
      // them); saved replies; each teammate's read time. The list indexes end in (activity_at, id),
      // the order the team's lists page by.
      async up(db: Kysely<any>) {
        await db.schema.alterTable('conversations').addColumn('snoozed_until', time).execute();
        await db.schema.alterTable('conversations').addColumn('assignee_id', 'text').execute();
        await db.schema.alterTable('conversations').addColumn('assigned_by', 'text').execute();
        await db.schema.alterTable('conversations').addColumn('assigned_at', time).execute();
        await db.schema.alterTable('conversations').addColumn('state_changed_by', 'text').execute();
        await db.schema.alterTable('conversations').addColumn('state_changed_at', time).execute();
        await db.schema.alterTable('messages').addColumn('author_id', 'text').execute();
        await db.schema.alterTable('messages').addColumn('author_avatar_url', 'text').execute();
        // The team's lists order by activity_at (messages, notes, state changes, assignments), not
        // updated_at, which is the visitor's: a note must not move anything the visitor sees.
        await db.schema
          .alterTable('conversations')
          .addColumn('activity_at', time, (c) => c.notNull().defaultTo(0))
          .execute();
        await sql`UPDATE conversations SET activity_at = updated_at`.execute(db);
        await db.schema
          .createIndex('conversations_app_activity')
          .on('conversations')
          .columns(['app_id', 'activity_at', 'id'])
          .execute();
        await db.schema
          .createIndex('conversations_app_state_activity')
          .on('conversations')
          .columns(['app_id', 'state', 'activity_at', 'id'])
          .execute();
        await db.schema
          .createIndex('conversations_app_assignee_activity')
          .on('conversations')
          .columns(['app_id', 'assignee_id', 'activity_at', 'id'])
          .execute();
        await db.schema
          .createIndex('conversations_app_assignee_state_activity')
          .on('conversations')
          .columns(['app_id', 'assignee_id', 'state', 'activity_at', 'id'])
          .execute();
        await db.schema
          .createIndex('conversations_snoozed')
          .on('conversations')
          .columns(['state', 'snoozed_until'])
          .execute();
        await db.schema
          .createIndex('messages_conversation_time')
          .on('messages')
          .columns(['conversation_id', 'created_at', 'seq'])
          .execute();

        await db.schema
          .createTable('conversation_notes')
          .addColumn('seq', serial, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
          .addColumn('author_id', 'text', (c) => c.notNull())
          .addColumn('author_name', 'text', (c) => c.notNull())
          .addColumn('author_avatar_url', 'text')
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('conversation_notes_time')
          .on('conversation_notes')
          .columns(['conversation_id', 'created_at', 'seq'])
          .execute();

        await db.schema
          .createTable('saved_replies')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('updated_by', 'text', (c) => c.notNull())
          .addColumn('updated_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('saved_replies_app_title')
          .on('saved_replies')
          .columns(['app_id', 'title', 'id'])
          .execute();

        await db.schema
          .createTable('conversation_reads')
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
          .addColumn('teammate_id', 'text', (c) => c.notNull())
          .addColumn('read_at', time, (c) => c.notNull())
          .addPrimaryKeyConstraint('conversation_reads_pk', ['conversation_id', 'teammate_id'])
          .execute();
      },
    },
    '0010_search': {
      // Full-text search (store/search.ts): one row of search_documents per message, note and contact,
      // holding its terms as store/search-terms.ts makes them, indexed by FTS5 on SQLite (a
      // contentless table keyed by the row's id) and by a GIN index over the terms as a tsvector on
      // PostgreSQL. Triggers, the same on both engines, note in search_pending what changed; the
      // write transaction that changed it indexes it before it commits (transaction.ts).
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('search_documents')
          .addColumn('id', serial, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('source_id', 'text', (c) => c.notNull())
          .addColumn('conversation_id', 'text')
          .addColumn('terms', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('search_documents_source')
          .on('search_documents')
          .columns(['kind', 'source_id'])
          .unique()
          .execute();
        await db.schema
          .createIndex('search_documents_conversation')
          .on('search_documents')
          .column('conversation_id')
          .execute();
        await db.schema
          .createTable('search_pending')
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('source_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('search_pending_pk', ['kind', 'source_id'])
          .execute();

        if (dialect === 'sqlite') {
          // Terms arrive lower-cased and space-separated: the ascii tokenizer splits them back as
          // they are. No positions (detail=none): a query is a set of terms, never a phrase.
          await sql`CREATE VIRTUAL TABLE search_index USING fts5(terms, content='', contentless_delete=1, detail=none, tokenize='ascii', prefix='2 3')`.execute(
            db,
          );
          for (const [table, kind, columns] of SEARCHED_SOURCES) {
            await sql
              .raw(
                `CREATE TRIGGER search_${table}_insert AFTER INSERT ON ${table} BEGIN INSERT OR IGNORE INTO search_pending (kind, source_id) VALUES ('${kind}', NEW.id); END`,
              )
              .execute(db);
            await sql
              .raw(
                `CREATE TRIGGER search_${table}_update AFTER UPDATE OF ${columns.join(', ')} ON ${table} BEGIN INSERT OR IGNORE INTO search_pending (kind, source_id) VALUES ('${kind}', NEW.id); END`,
              )
              .execute(db);
            await sql
              .raw(
                `CREATE TRIGGER search_${table}_delete AFTER DELETE ON ${table} BEGIN INSERT OR IGNORE INTO search_pending (kind, source_id) VALUES ('${kind}', OLD.id); END`,
              )
              .execute(db);
          }
        } else {
          // array_to_tsvector takes the terms verbatim: no parser, no configuration, no stemming.
          // Stored, so a search that matches most rows reads the vectors rather than remaking them.
          await sql`ALTER TABLE search_documents ADD COLUMN terms_vector tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(terms, ' '))) STORED`.execute(
            db,
          );
          await sql`CREATE INDEX search_documents_terms ON search_documents USING gin (terms_vector)`.execute(db);
          await sql`CREATE FUNCTION search_mark_pending() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO search_pending (kind, source_id)
                VALUES (TG_ARGV[0], CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)
                ON CONFLICT DO NOTHING;
              RETURN NULL;
            END $$`.execute(db);
          for (const [table, kind, columns] of SEARCHED_SOURCES) {
            await sql
              .raw(
                `CREATE TRIGGER search_${table} AFTER INSERT OR DELETE OR UPDATE OF ${columns.join(', ')} ON ${table} FOR EACH ROW EXECUTE FUNCTION search_mark_pending('${kind}')`,
              )
              .execute(db);
          }
        }
        // What the database already holds waits in search_pending; the store indexes it, with the
        // same code as every later write, when the server starts (store.indexPendingSearch).
        for (const [table, kind] of SEARCHED_SOURCES) {
          await sql.raw(`INSERT INTO search_pending (kind, source_id) SELECT '${kind}', id FROM ${table}`).execute(db);
        }
      },
    },
    '0011_team_stream': {
      // The team stream's outbox: an app's team events (conversation created, message, note, state,
      // assignment, read), each with the id a teammate's stream resumes from. Typing is never stored.
      // And the time the team last read the person's messages ("seen" on the messenger's side).
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('team_events')
          .addColumn('id', serial, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('team_events_app').on('team_events').columns(['app_id', 'id']).execute();
        await db.schema.alterTable('conversations').addColumn('team_seen_at', time).execute();
      },
    },
    '0012_conversations_by_contact': {
      // A contact's conversations in the team's order (`?contact_id=`, the inbox's contact pane):
      // an index search however many conversations the app holds.
      async up(db: Kysely<any>) {
        await db.schema
          .createIndex('conversations_app_person_activity')
          .on('conversations')
          .columns(['app_id', 'person_id', 'activity_at', 'id'])
          .execute();
      },
    },
    '0013_team_client_ids': {
      // A team reply or note retried after a lost answer is found by the client_id its sender
      // made, per conversation and per author: the visitor's client_id column stays the visitor's,
      // and no teammate's key ever names another's message.
      async up(db: Kysely<any>) {
        await db.schema.alterTable('messages').addColumn('team_client_id', 'text').execute();
        await db.schema
          .createIndex('messages_team_client_id')
          .on('messages')
          .columns(['conversation_id', 'author_id', 'team_client_id'])
          .unique()
          .where(sql.ref('team_client_id'), 'is not', null)
          .execute();
        await db.schema.alterTable('conversation_notes').addColumn('client_id', 'text').execute();
        await db.schema
          .createIndex('conversation_notes_client_id')
          .on('conversation_notes')
          .columns(['conversation_id', 'author_id', 'client_id'])
          .unique()
          .where(sql.ref('client_id'), 'is not', null)
          .execute();
      },
    },
    '0014_outbox_transaction_order': {
      // PostgreSQL's writes commit in any order, so a stream cannot read its outbox by id alone: a
      // smaller id may commit after a larger one was read. Each row gets the id of the transaction
      // that wrote it, and a stream reads in (tx, id) order below its snapshot's xmin
      // (store/stream-position.ts). Rows written before are older than any new transaction: tx 0.
      // A session's fresh stream starts at a position, so sessions get its tx (0 on SQLite, whose
      // single writer commits ids in order).
      async up(db: Kysely<any>) {
        await db.schema
          .alterTable('sessions')
          .addColumn('stream_from_tx', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        if (dialect !== 'postgres') return;
        for (const [table, owner, oldIndex] of [
          ['realtime_events', 'person_id', 'realtime_events_person'],
          ['team_events', 'app_id', 'team_events_app'],
        ] as const) {
          // A constant default first: existing rows get 0 without a rewrite of the table.
          await db.schema
            .alterTable(table)
            .addColumn('tx', sql`xid8`, (c) => c.notNull().defaultTo(sql`'0'`))
            .execute();
          await db.schema
            .alterTable(table)
            .alterColumn('tx', (c) => c.setDefault(sql`pg_current_xact_id()`))
            .execute();
          await db.schema.createIndex(`${table}_order`).on(table).columns([owner, 'tx', 'id']).execute();
          await db.schema.dropIndex(oldIndex).execute();
        }
      },
    },
    '0015_search_pending_held': {
      // PostgreSQL runs writes side by side: a write that changes a searched row whose pending
      // mark is already there (a backlog row that another transaction is indexing) now takes that
      // mark's row lock instead of passing it by, so it waits for that indexing to commit, then
      // marks and indexes the row itself (store/search.ts). Passed by, the row was indexed as it
      // was before the write. SQLite runs one write at a time: nothing changes there.
      async up(db: Kysely<any>) {
        if (dialect !== 'postgres') return;
        await sql`CREATE OR REPLACE FUNCTION search_mark_pending() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            INSERT INTO search_pending (kind, source_id)
              VALUES (TG_ARGV[0], CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)
              ON CONFLICT (kind, source_id) DO UPDATE SET kind = EXCLUDED.kind;
            RETURN NULL;
          END $$`.execute(db);
      },
    },
  };
}

class InlineMigrations implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations() {
    return migrations(this.dialect);
  }
}

/** Kysely's record of the migrations a database has run. */
const MIGRATION_TABLE = 'kysely_migration';

/** The database's schema was made by a newer Confab: this code would misread it, so it does not run. */
export class SchemaNewerError extends Error {
  constructor(readonly unknownMigrations: string[]) {
    super(
      `the database's schema is newer than this confab-server: it has run migration${unknownMigrations.length > 1 ? 's' : ''} ${unknownMigrations.join(', ')}, ` +
        'which this version does not know. Run the confab-server version that migrated it (or a newer one), or restore a backup taken before that upgrade.',
    );
    this.name = 'SchemaNewerError';
  }
}

export interface SchemaStatus {
  /** Migrations this code knows that the database has not run yet. */
  pending: string[];
  /** Migrations the database has run that this code does not know (a newer version ran them). */
  unknown: string[];
}

/** Compares the migrations the database has run with the ones this code knows; writes nothing. */
export async function schemaStatus(db: Kysely<any>, dialect: Dialect): Promise<SchemaStatus> {
  // One small query per engine rather than Kysely's introspection, which reads every table's columns.
  const exists =
    dialect === 'postgres'
      ? (await sql<{ found: string | null }>`SELECT to_regclass(${MIGRATION_TABLE}) AS found`.execute(db)).rows[0]
          ?.found != null
      : (await sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ${MIGRATION_TABLE}`.execute(db)).rows
          .length > 0;
  const applied = exists
    ? (await db.selectFrom(MIGRATION_TABLE).select('name').execute()).map((row: { name: string }) => row.name)
    : [];
  const known = Object.keys(migrations(dialect));
  return {
    pending: known.filter((name) => !applied.includes(name)),
    unknown: applied.filter((name) => !known.includes(name)).sort(),
  };
}

/**
 * Brings the schema up to date (or to `target`, for tests) and returns the names of the
 * migrations it ran; throws SchemaNewerError on a database a newer version migrated, and an error
 * naming the failing migration when one fails.
 */
export async function migrate(db: Kysely<any>, dialect: Dialect, target?: string): Promise<string[]> {
  const { unknown } = await schemaStatus(db, dialect);
  if (unknown.length > 0) throw new SchemaNewerError(unknown);
  // Unordered: 0010_search landed after 0011_team_stream had run on some databases; each
  // migration stands alone, so one that a database missed runs after later ones instead of
  // Kysely refusing to start.
  const migrator = new Migrator({ db, provider: new InlineMigrations(dialect), allowUnorderedMigrations: true });
  const { error, results } = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success' && r.direction === 'Up').map((r) => r.migrationName);
}
