// PostgreSQL parses and plans every query node-postgres sends unnamed, and Kysely sends them all
// unnamed: with a write of some twenty statements, that was most of PostgreSQL's work per reply.
// A query sent with a name is parsed once per connection and then only bound and run; the name
// stands for the query's text, so each text gets one, for as long as the process runs.
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/**
 * Texts that get a name, at most: each is a prepared statement on every connection of the pool.
 * The texts that vary (IN lists, multi-row inserts) stay within it; past it, a text goes unnamed.
 */
export const PREPARED_STATEMENTS_MAX = 500;

/** PostgreSQL's answer when a prepared statement's result columns changed (a migration added one). */
export const isStalePlan = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === '0A000' &&
  /cached plan must not change result type/.test(String((error as { message?: unknown }).message));

export interface NamedStatements {
  pool: PostgresPool;
  /** How many texts have a name now. */
  readonly size: number;
}

export function nameStatements(pool: pg.Pool, max = PREPARED_STATEMENTS_MAX): NamedStatements {
  const names = new Map<string, string>();
  let counter = 0;
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined && names.size < max) {
      name = `confab_${++counter}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    get size() {
      return names.size;
    },
    pool: {
      async connect() {
        const client = await pool.connect();
        const wrapped: PostgresPoolClient = {
          query: ((text: string, values: readonly unknown[]) => {
            const name = nameOf(text);
            const query = client.query(
              name === undefined ? { text, values: [...values] } : { name, text, values: [...values] },
            );
            return query.catch((error: unknown) => {
              // The statement's columns changed under it: this query fails (a transaction runs
              // again, transaction.ts), and its text gets a new name, so the next one is prepared anew.
              if (name !== undefined && isStalePlan(error)) names.set(text, `confab_${++counter}`);
              throw error;
            }) as Promise<PostgresQueryResult<unknown>>;
          }) as PostgresPoolClient['query'],
          release: (destroy?: boolean) => client.release(destroy),
        };
        return wrapped;
      },
      end: () => pool.end(),
    },
  };
}
