// Which database the server's behavioural suite runs on: the `server` project runs it on SQLite
// files, the `server-postgres` project (vitest.postgres.config.ts) on PostgreSQL. One suite, two
// back ends; each test server gets a database of its own.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server of the `server-postgres` project (postgres-global-setup.ts). */
    postgresUrl: string;
  }
}

export const BACKEND: 'sqlite' | 'postgres' = process.env.CONFAB_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** What `--db` takes: a SQLite file, or a postgres:// URL. */
  db: string;
  drop(): Promise<void>;
}

/** A new, empty database for one test server: a file in `folder`, or a database on the test PostgreSQL. */
export async function testDatabase(folder: string): Promise<TestDatabase> {
  if (BACKEND === 'sqlite') return { db: join(folder, 'confab.sqlite'), drop: async () => {} };
  const server = inject('postgresUrl');
  const name = `confab_test_${randomBytes(6).toString('hex')}`;
  await admin(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { db: url.toString(), drop: () => admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
