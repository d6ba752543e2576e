// Group commit, for SQLite: the writes that arrive together share one transaction, and so one
// disk sync. With `synchronous = FULL` every commit waits for the disk; with a commit per write,
// 50 writes in flight waited for 50 syncs one after another. Here, whenever the connection is
// free, every queued write (up to a bound) runs in one transaction, each inside a SAVEPOINT of its
// own: a write that throws is rolled back to it and fails alone, its neighbours still commit.
// Each write is acknowledged, and its news published, only once the commit holding it returned,
// so durability is what it was. Writes queued while a batch runs make the next one. The search
// index is brought up to date once per batch, before its commit: should that fail, the batch does.
//
// A batch holds the one connection throughout: a write's work must await nothing but the
// database (hash a password before the write, not inside it), or every queued write waits too.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { indexPendingSearchDocuments } from './search';
import {
  collectNews,
  deliverNews,
  type News,
  type Publish,
  type PublishHook,
  type RunTransaction,
  type StoreOptions,
} from './transaction';

/** Writes one transaction takes at most: enough to empty the queue of a busy server in a few commits, few enough that a batch's time stays short. */
export const DEFAULT_MAX_BATCH = 128;

interface QueuedWrite {
  work: (trx: Transaction<Database>, publish: Publish) => Promise<unknown>;
  news: News;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export function groupCommitRunner(db: Kysely<Database>, onPublish: PublishHook, options: StoreOptions): RunTransaction {
  if (options.announce) throw new Error('group commit is for SQLite: announce is PostgreSQL’s');
  const maxBatch = options.groupCommit?.maxBatch ?? DEFAULT_MAX_BATCH;
  const queue: QueuedWrite[] = [];
  let scheduled = false;

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    // On the next turn, not at once: the writes of every request read in this turn join the batch.
    setImmediate(runNextBatch);
  }

  async function runNextBatch() {
    try {
      await commitBatch(queue.splice(0, maxBatch));
    } finally {
      scheduled = false;
      if (queue.length > 0) schedule();
    }
  }

  async function commitBatch(batch: QueuedWrite[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        for (const write of batch) outcomes.push(await runInSavepoint(trx, write));
        // The search index is never behind a committed write (store/search.ts). Once for the
        // batch: a handful of statements instead of a handful per write, and one FTS5 segment.
        await indexPendingSearchDocuments(trx);
      });
    } catch (error) {
      // The commit failed, or the transaction could not go on: nothing of the batch was written.
      batch.forEach((write, index) => {
        const outcome = outcomes[index];
        write.reject(outcome && !outcome.ok ? outcome.error : error);
      });
      return;
    }
    batch.forEach((write, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
    options.groupCommit?.onCommit?.(outcomes.filter((outcome) => outcome.ok).length);
  }

  async function runInSavepoint(trx: Transaction<Database>, write: QueuedWrite): Promise<Outcome> {
    await sql`SAVEPOINT confab_write`.execute(trx);
    try {
      const value = await write.work(trx, write.news.publish);
      await sql`RELEASE confab_write`.execute(trx);
      return { ok: true, value };
    } catch (error) {
      // Should SQLite have ended the whole transaction (a full disk, say), this throws, and the batch fails.
      await sql`ROLLBACK TO confab_write`.execute(trx);
      await sql`RELEASE confab_write`.execute(trx);
      return { ok: false, error };
    }
  }

  return async function transaction<T>(work: (trx: Transaction<Database>, publish: Publish) => Promise<T>): Promise<T> {
    const news = collectNews();
    const queued = () =>
      new Promise<T>((resolve, reject) => {
        queue.push({ work, news, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    const result = await (options.measureWrite ? options.measureWrite(queued) : queued());
    deliverNews(news, onPublish, options);
    return result;
  };
}
