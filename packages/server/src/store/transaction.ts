// One operation, one transaction: acknowledged only once committed, and a failure writes nothing.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { indexPendingSearchDocuments } from './search';

/** A person's realtime events were written: the stream of that person should read them. */
export type PublishHook = (appId: string, personId: string) => void;
/** Inside a transaction: marks a person whose streams hear of it once it commits. */
export type Publish = PublishHook;

export interface StoreOptions {
  /**
   * Runs first in every write transaction. On PostgreSQL it takes one transaction-scoped lock, so
   * writes commit one at a time, as SQLite's do: realtime event ids then become visible in
   * increasing order (a stream that has read id n never later finds a smaller one committed),
   * and no two processes race to create the same person.
   */
  beginWrite?: (trx: Transaction<Database>) => Promise<void>;
  /**
   * Announces a person's new realtime events inside the transaction that wrote them, instead of
   * calling the publish hook after the commit: PostgreSQL's NOTIFY is delivered exactly at commit,
   * to every process (this one included), and never for a transaction that rolled back.
   */
  announce?: (trx: Transaction<Database>, appId: string, personId: string) => Promise<void>;
  /** Runs each write transaction, from its start to its commit or failure (the metrics time and count them). */
  measureWrite?: <T>(write: () => Promise<T>) => Promise<T>;
}

export type RunTransaction = <T>(work: (trx: Transaction<Database>, publish: Publish) => Promise<T>) => Promise<T>;

export function transactionRunner(db: Kysely<Database>, onPublish: PublishHook, options: StoreOptions): RunTransaction {
  // Realtime events are written inside the transaction that causes them; subscribers hear of
  // them only after the commit, so a stream never announces what could still roll back.
  return async function transaction<T>(work: (trx: Transaction<Database>, publish: Publish) => Promise<T>): Promise<T> {
    const touched = new Map<string, string>();
    const { announce } = options;
    const write = () =>
      db.transaction().execute(async (trx) => {
        await options.beginWrite?.(trx);
        const value = await work(trx, (appId, personId) => touched.set(personId, appId));
        // The search index is never behind a committed write (store/search.ts).
        await indexPendingSearchDocuments(trx);
        if (announce) for (const [personId, appId] of touched) await announce(trx, appId, personId);
        return value;
      });
    const result = await (options.measureWrite ? options.measureWrite(write) : write());
    if (!announce) for (const [personId, appId] of touched) onPublish(appId, personId);
    return result;
  };
}
