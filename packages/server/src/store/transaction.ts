// One operation, one transaction: acknowledged only once committed, and a failure writes nothing.
// SQLite's writes share transactions instead (group-commit.ts), each still acknowledged only once
// committed, and a failure still writes nothing of its own.
import type { Kysely, Transaction } from 'kysely';
import { isStalePlan } from '../db/prepared-statements';
import type { Database } from '../db/schema';
import { indexPendingSearchDocuments } from './search';

/** A person's realtime events were written: the stream of that person should read them. */
export type PublishHook = (appId: string, personId: string) => void;
/** An app's team events were written: its team streams should read them. */
export type TeamPublishHook = (appId: string) => void;
/**
 * Inside a transaction: marks a person whose streams hear of it once it commits; `team` marks an
 * app whose team streams do.
 */
export type Publish = PublishHook & { team: TeamPublishHook };

export interface StoreOptions {
  /**
   * Announces a write's news inside the transaction that wrote it, instead of calling the publish
   * hooks after the commit: PostgreSQL's NOTIFY is delivered exactly at commit, to every process
   * (this one included), and never for a transaction that rolled back.
   */
  announce?: (trx: Transaction<Database>, news: AnnouncedNews) => Promise<void>;
  /** Without `announce`: called after the commit for each app with new team events. */
  onTeamPublish?: TeamPublishHook;
  /**
   * Runs each write, from its start (with `groupCommit`: from when it is queued) to its commit or
   * failure (the metrics time and count them).
   */
  measureWrite?: <T>(write: () => Promise<T>) => Promise<T>;
  /**
   * SQLite: writes that arrive together share one transaction and one disk sync (group-commit.ts).
   * Not with `announce` (PostgreSQL's).
   */
  groupCommit?: GroupCommitOptions;
}

export interface GroupCommitOptions {
  /** The most writes one transaction takes (DEFAULT_MAX_BATCH). */
  maxBatch?: number;
  /** After each commit: how many writes it made durable (the metrics count them). */
  onCommit?: (writes: number) => void;
}

export type RunTransaction = <T>(work: (trx: Transaction<Database>, publish: Publish) => Promise<T>) => Promise<T>;

/** The people and the apps whose streams should read once a write commits. */
export interface AnnouncedNews {
  /** Person id → app id. */
  people: Map<string, string>;
  apps: Set<string>;
}

/** What one write announces once it commits. */
export interface News extends AnnouncedNews {
  /** Handed to the write's work, which marks what it wrote. */
  publish: Publish;
}

export function collectNews(): News {
  const people = new Map<string, string>();
  const apps = new Set<string>();
  const publish: Publish = Object.assign(
    (appId: string, personId: string) => {
      people.set(personId, appId);
    },
    { team: (appId: string) => void apps.add(appId) },
  );
  return { publish, people, apps };
}

/** After the commit: the hooks hear of what `announce` did not already announce inside it. */
export function deliverNews(news: News, onPublish: PublishHook, options: StoreOptions): void {
  if (options.announce) return;
  for (const [personId, appId] of news.people) onPublish(appId, personId);
  for (const appId of news.apps) options.onTeamPublish?.(appId);
}

/** How often a write PostgreSQL aborted as a deadlock or a serialization failure runs again. */
const ABORTED_WRITE_ATTEMPTS = 3;
/** PostgreSQL's SQLSTATEs for a transaction it rolled back whole, that may succeed when run again. */
const RETRYABLE = new Set(['40P01', '40001']);

// A prepared statement whose columns a migration changed fails once, then is prepared anew
// (db/prepared-statements.ts): the write runs again.
const isRetryable = (error: unknown) =>
  (typeof error === 'object' && error !== null && RETRYABLE.has((error as { code?: unknown }).code as string)) ||
  isStalePlan(error);

export function transactionRunner(db: Kysely<Database>, onPublish: PublishHook, options: StoreOptions): RunTransaction {
  // Realtime events are written inside the transaction that causes them; subscribers hear of
  // them only after the commit, so a stream never announces what could still roll back.
  return async function transaction<T>(work: (trx: Transaction<Database>, publish: Publish) => Promise<T>): Promise<T> {
    // Writes run side by side on PostgreSQL, each locking what it decides on in one order
    // (locks.ts); should two still wait on each other, PostgreSQL rolls one back whole: it runs again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(work);
      } catch (error) {
        if (attempt >= ABORTED_WRITE_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  };

  async function once<T>(work: (trx: Transaction<Database>, publish: Publish) => Promise<T>): Promise<T> {
    const news = collectNews();
    const { announce } = options;
    const write = () =>
      db.transaction().execute(async (trx) => {
        const value = await work(trx, news.publish);
        // The search index is never behind a committed write (store/search.ts).
        await indexPendingSearchDocuments(trx);
        if (announce) await announce(trx, news);
        return value;
      });
    const result = await (options.measureWrite ? options.measureWrite(write) : write());
    deliverNews(news, onPublish, options);
    return result;
  }
}
